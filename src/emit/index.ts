export { escapeXmlText, escapeXmlAttr, removeXmlForbidden, csvQuoter, escapeCsvField, escapeTsvField } from './escape.js';
export { compileXmlItem, fillXmlTemplate, isXmlName, type XmlElementSpec, type XmlItemValues, type XmlItemAttrs, type XmlItemWriter } from './xml-writer.js';
export { compileCsvRow, csvHeaderLine, fieldEscaper, CSV_DELIMITERS, type CsvQuoting, type CsvRowValues, type CsvRowWriter } from './csv-writer.js';
