import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The integration tests start real servers (one as a child process) and hash passwords with scrypt;
    // under a busy CI machine running every package at once, that can take longer than the 5 s default.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
