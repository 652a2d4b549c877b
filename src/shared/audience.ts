/**
 * Who a read is for: the public sees only what a published article shows; editors see everything,
 * drafts' new tags and credits included.
 */
export type Audience = 'public' | 'editor';
