export { loadChannel, listChannels, readDefinition, DEFAULT_FEEDS_DIR } from './load.js';
export { parseChannelDefinition, CONTEXT_PLACEHOLDERS } from './parse-definition.js';
export { compileChannel, namesCurrency, type CompileOptions, type CompiledChannel, type FeedContext, type RenderResult, type RenderWarning } from './compile.js';
export { type FeedRecord } from './output-check.js';
export {
  FIELD_KINDS,
  CHANNEL_FORMATS,
  type ChannelDefinition,
  type FieldDefinition,
  type FieldKind,
  type ChannelFormat,
  type XmlLayout,
  type CsvLayout,
  type ChannelLimits,
  type ListOptions,
} from './definition.js';
export { sourceNames, isKnownSource } from './source.js';
