import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // A safety net: a test that reached the default credential chain by mistake must not try the
    // instance metadata service. Tests of that provider pass their own environment record.
    env: { AWS_EC2_METADATA_DISABLED: "true" }
  }
})
