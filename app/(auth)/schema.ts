import { z } from 'zod';

export const signInSchema = z.object({
  username: z.string().trim().min(1, { error: 'Enter your user name' }).max(64),
  password: z.string().min(1, { error: 'Enter your password' }).max(256),
});

export const firstRunSchema = z
  .object({
    username: z
      .string()
      .trim()
      .min(1, { error: 'Enter a user name' })
      .max(64)
      .regex(/^[A-Za-z0-9._-]+$/, { error: 'Use letters, digits, . _ and - only' }),
    password: z.string().min(12, { error: 'Use 12 characters or more' }).max(256),
    confirm: z.string(),
  })
  .refine((v) => v.password === v.confirm, { path: ['confirm'], error: 'The two passwords differ' });
