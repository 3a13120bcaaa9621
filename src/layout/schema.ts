/**
 * Zod schemas of the layout JSON files (schemas/layouts/<id>.json), exactly the shape of
 * icd README section 9: base shape plus the listed extensions, nothing else (strict objects, so a
 * misspelt property is a load error rather than a silently ignored rule). Semantic checks
 * (tiling, keys, controls...) live in registry.ts; this file only knows the shape.
 */
import { z } from 'zod';

/** A layout file that cannot be used: the message names the layout file and the JSON path at fault. */
export class LayoutError extends Error {
  override readonly name = 'LayoutError';
}

export const FIELD_TYPES = ['A', 'AN', 'N', 'SN', 'DATE', 'FILLER'] as const;
export const DATE_FORMATS = ['CCYYMMDD', 'MMDDYYYY', 'MMDDYYYYHHMMSS'] as const;
export const OCCURS = ['first', 'last', 'many', 'batchHeader', 'batchTrailer'] as const;

const evidence = z.enum(['official', 'derived', 'defined-here']);
const provenance = z.enum(['official', 'derived', 'defined-here']);
const cadence = z.enum(['daily', 'weekly', 'monthly', 'quarterly', 'annual', 'nightly']);
const position = z.int().min(1);

export const fieldDefSchema = z.strictObject({
  name: z.string().min(1),
  start: position,
  length: position,
  type: z.enum(FIELD_TYPES),
  decimals: z.int().min(0).optional(),
  dateFormat: z.enum(DATE_FORMATS).optional(),
  required: z.boolean(),
  const: z.string().optional(),
  /** closed list: code → meaning */
  codes: z.record(z.string(), z.string()).optional(),
  description: z.string(),
  evidence,
});

export const keyPartSchema = z.strictObject({
  start: position,
  length: position,
  value: z.string().min(1),
});

export const recordTypeDefSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  key: z.array(keyPartSchema),
  occurs: z.enum(OCCURS),
  fields: z.array(fieldDefSchema).min(1),
});

export const whereSchema = z.union([
  z.strictObject({ field: z.string().min(1), equals: z.string() }),
  z.strictObject({ field: z.string().min(1), in: z.array(z.string()).min(1) }),
  z.strictObject({ field: z.string().min(1), present: z.literal(true) }),
]);

export const controlDefSchema = z.strictObject({
  record: z.string().min(1),
  field: z.string().min(1),
  rule: z.enum(['count', 'sum', 'const']),
  /** count: record type names; sum: 'record.field'; const: unused (empty) */
  of: z.array(z.string().min(1)),
  where: whereSchema.optional(),
  scope: z.enum(['file', 'batch']).optional(),
  value: z.string().optional(),
  description: z.string().optional(),
});

const layoutBase = {
  id: z.string().regex(/^[a-z0-9-]+$/),
  title: z.string().min(1),
  direction: z.enum(['inbound', 'outbound']),
  partner: z.string().min(1),
  cadence,
  lineEnding: z.literal('LF'),
  provenance,
  notes: z.array(z.string()),
};

export const fixedLayoutSchema = z.strictObject({
  ...layoutBase,
  format: z.literal('fixed'),
  recordLength: position,
  encoding: z.literal('ASCII'),
  recordTypes: z.array(recordTypeDefSchema).min(1),
  controls: z.array(controlDefSchema),
});

export const csvColumnDefSchema = z.strictObject({
  name: z.string().min(1),
  type: z.enum(['string', 'date', 'decimal', 'integer', 'flag', 'enum']),
  required: z.boolean(),
  values: z.array(z.string()).min(1).optional(),
  description: z.string(),
});

export const csvFileDefSchema = z.strictObject({
  name: z.string().min(1),
  key: z.array(z.string().min(1)).min(1),
  columns: z.array(csvColumnDefSchema).min(1),
});

export const csvLayoutSchema = z.strictObject({
  ...layoutBase,
  format: z.literal('csv'),
  encoding: z.literal('UTF-8'),
  files: z.array(csvFileDefSchema).min(1),
});

export const layoutSchema = z.discriminatedUnion('format', [fixedLayoutSchema, csvLayoutSchema]);

export type FieldType = (typeof FIELD_TYPES)[number];
export type DateFormat = (typeof DATE_FORMATS)[number];
export type Occurs = (typeof OCCURS)[number];
export type FieldDef = z.infer<typeof fieldDefSchema>;
export type KeyPart = z.infer<typeof keyPartSchema>;
export type RecordTypeDef = z.infer<typeof recordTypeDefSchema>;
export type WhereDef = z.infer<typeof whereSchema>;
export type ControlDef = z.infer<typeof controlDefSchema>;
export type FixedLayout = z.infer<typeof fixedLayoutSchema>;
export type CsvColumnDef = z.infer<typeof csvColumnDefSchema>;
export type CsvFileDef = z.infer<typeof csvFileDefSchema>;
export type CsvLayout = z.infer<typeof csvLayoutSchema>;
export type Layout = z.infer<typeof layoutSchema>;
