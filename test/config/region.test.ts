import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
import * as RegionChain from "../../src/Layer/Config/RegionChain.js"
import { Region } from "../../src/Layer/Region.js"
import { tempDir, write } from "./support/fakes.js"

describe("region chain", () => {
  it.scoped("an explicit region beats AWS_REGION", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const region = yield* RegionChain.resolve({
        region: "ap-south-1",
        env: { HOME: dir, AWS_REGION: "us-east-1" }
      })
      expect(region).toBe("ap-south-1")
    }))

  it.scoped("AWS_REGION beats AWS_DEFAULT_REGION", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const region = yield* RegionChain.resolve({
        env: { HOME: dir, AWS_REGION: "eu-west-3", AWS_DEFAULT_REGION: "us-west-1" }
      })
      expect(region).toBe("eu-west-3")
    }))

  it.scoped("AWS_DEFAULT_REGION beats the profile's region", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      write(dir, ".aws/config", "[default]\nregion = sa-east-1\n")
      const region = yield* RegionChain.resolve({ env: { HOME: dir, AWS_DEFAULT_REGION: "us-west-1" } })
      expect(region).toBe("us-west-1")
    }))

  it.scoped("falls back to the region of the AWS_PROFILE profile", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      write(dir, ".aws/config", "[default]\nregion = sa-east-1\n[profile work]\nregion = ca-central-1\n")
      expect(yield* RegionChain.resolve({ env: { HOME: dir, AWS_PROFILE: "work" } })).toBe("ca-central-1")
      expect(yield* RegionChain.resolve({ env: { HOME: dir } })).toBe("sa-east-1")
      expect(yield* RegionChain.resolve({ env: { HOME: dir, AWS_PROFILE: "work" }, profile: "default" })).toBe(
        "sa-east-1"
      )
    }))

  it.scoped("names all four places when no region is found", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      write(dir, ".aws/config", "[default]\noutput = json\n")
      const error = yield* Effect.flip(RegionChain.resolve({ env: { HOME: dir } }))
      expect(error._tag).toBe("ConfigurationError")
      expect(error.setting).toBe("region")
      for (const place of ["region option", "AWS_REGION", "AWS_DEFAULT_REGION", "profile \"default\""]) {
        expect(error.message).toContain(place)
      }
    }))

  it.scoped("rejects a malformed region, naming where it came from", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const error = yield* Effect.flip(RegionChain.resolve({ env: { HOME: dir, AWS_REGION: "US East 1" } }))
      expect(error.setting).toBe("AWS_REGION")
      // `setting` names what to change; the message says where the value came from.
      const fromOption = yield* Effect.flip(RegionChain.resolve({ region: "US East 1", env: { HOME: dir } }))
      expect(fromOption.setting).toBe("region")
      expect(fromOption.message).toContain("from the region option")
      write(dir, ".aws/config", "[default]\nregion = not/a/region\n")
      const fromProfile = yield* Effect.flip(RegionChain.resolve({ env: { HOME: dir } }))
      expect(fromProfile.setting).toBe("region")
      expect(fromProfile.message).toContain("from the region of profile \"default\"")
    }))

  it.scoped("reports an unreadable config file as a ConfigurationError naming it", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const configFile = NodePath.join(dir, "config-dir")
      NodeFs.mkdirSync(configFile)
      const error = yield* Effect.flip(RegionChain.resolve({ env: { HOME: dir, AWS_CONFIG_FILE: configFile } }))
      expect(error.setting).toBe(configFile)
      expect(error.message).toContain(configFile)
    }))

  it.scoped("provides the Region tag as a layer", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const configFile = write(dir, "custom-config", "[profile p]\nregion = eu-north-1\n")
      const region = yield* Region.pipe(
        Effect.provide(RegionChain.layer({ env: { HOME: dir }, configFile, profile: "p" }))
      )
      expect(region).toBe("eu-north-1")
    }))
})
