import type { LocalizedText } from '@omniflow/schemas';
import { z } from 'zod';

/** Input widgets the studio's generated forms know. */
export type Widget =
  | 'text'
  | 'textarea'
  | 'template'
  | 'url'
  | 'number'
  | 'select'
  | 'toggle'
  | 'tags'
  | 'attribute'
  | 'module'
  | 'keywords'
  | 'json'
  | 'color'
  | 'image'
  | 'datetime'
  | 'condition'
  | 'secret'
  | 'list';

export interface FieldMeta {
  label: LocalizedText;
  widget?: Widget;
  help?: LocalizedText;
}

/**
 * Labels a config field for the generated form. The label travels with the schema (zod metadata),
 * so `z.toJSONSchema(config)` gives the studio everything it needs to draw the form.
 */
export function field<T extends z.ZodType>(schema: T, label: LocalizedText, options: Omit<FieldMeta, 'label'> = {}): T {
  return schema.meta({ title: label.en, label, ...options });
}

/** The metadata `field` attached to a schema, if any. */
export function fieldMeta(schema: z.ZodType): FieldMeta | undefined {
  const meta = z.globalRegistry.get(schema) as Partial<FieldMeta> | undefined;
  return meta?.label ? (meta as FieldMeta) : undefined;
}

/** Short unique ids for buttons, options and branches created in the editor. */
export const ItemId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'Use letters, digits, "-" or "_" only');
