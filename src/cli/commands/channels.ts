/** `feedmill channels [--json]`: the channel definitions in feeds/, with format, file and spec. */
import { listChannels } from '../../transform/index.js';
import { print, printJson, type Command } from '../command.js';

export const channelsCommand: Command = {
  name: 'channels',
  summary: 'list the channels (feeds/ definitions): format, file name, fields and the spec each follows',
  usage: 'feedmill channels [--json]',
  options: {},
  async run(ctx) {
    const defs = listChannels();
    if (ctx.json) {
      printJson(ctx, {
        channels: defs.map((d) => ({
          name: d.name,
          title: d.title,
          format: d.format,
          fileName: d.fileName,
          spec: d.spec,
          fields: d.fields.filter((f) => f.write).map((f) => ({ name: f.name, kind: f.kind, required: f.required })),
          limits: d.limits,
        })),
      });
      return 0;
    }
    const width = Math.max(...defs.map((d) => d.name.length));
    for (const d of defs) {
      const required = d.fields.filter((f) => f.required && f.write).length;
      const written = d.fields.filter((f) => f.write).length;
      print(ctx, `${d.name.padEnd(width)}  ${d.format.padEnd(3)}  ${d.fileName.padEnd(26)} ${String(written).padStart(2)} fields (${required} required)  ${d.title}`);
      print(ctx, `${''.padEnd(width)}  spec: ${d.spec}`);
    }
    return 0;
  },
};
