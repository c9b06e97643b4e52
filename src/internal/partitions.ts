/**
 * The AWS partitions as the endpoint rules see them: which partition a region belongs to, and
 * the DNS suffixes and capabilities of that partition (`aws.partition` in the rules language).
 *
 * The table is kept here, in the project's own format. A region is placed by the explicit
 * region lists first, then by the partitions' region patterns, and lands in `aws` when neither
 * knows it, so a region launched after this table was written still resolves.
 */

/** What the rules read from a partition: the result of `aws.partition(region)`. */
export interface PartitionResult {
  readonly name: string
  readonly dnsSuffix: string
  readonly dualStackDnsSuffix: string
  readonly supportsFIPS: boolean
  readonly supportsDualStack: boolean
  readonly implicitGlobalRegion: string
}

/** One partition: its outputs, the pattern its region names follow, and its known regions. */
export interface Partition extends PartitionResult {
  readonly regionPattern: RegExp
  readonly regions: ReadonlyArray<string>
}

/** Every partition this client knows, the commercial `aws` partition first. */
export const partitions: ReadonlyArray<Partition> = [
  {
    name: "aws",
    dnsSuffix: "amazonaws.com",
    dualStackDnsSuffix: "api.aws",
    supportsFIPS: true,
    supportsDualStack: true,
    implicitGlobalRegion: "us-east-1",
    regionPattern: /^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$/,
    regions: [
      "aws-global",
      "af-south-1",
      "ap-east-1",
      "ap-east-2",
      "ap-northeast-1",
      "ap-northeast-2",
      "ap-northeast-3",
      "ap-south-1",
      "ap-south-2",
      "ap-southeast-1",
      "ap-southeast-2",
      "ap-southeast-3",
      "ap-southeast-4",
      "ap-southeast-5",
      "ap-southeast-6",
      "ap-southeast-7",
      "ca-central-1",
      "ca-west-1",
      "eu-central-1",
      "eu-central-2",
      "eu-north-1",
      "eu-south-1",
      "eu-south-2",
      "eu-west-1",
      "eu-west-2",
      "eu-west-3",
      "il-central-1",
      "me-central-1",
      "me-south-1",
      "me-west-1",
      "mx-central-1",
      "sa-east-1",
      "sa-west-1",
      "us-east-1",
      "us-east-2",
      "us-west-1",
      "us-west-2"
    ]
  },
  {
    name: "aws-cn",
    dnsSuffix: "amazonaws.com.cn",
    dualStackDnsSuffix: "api.amazonwebservices.com.cn",
    supportsFIPS: true,
    supportsDualStack: true,
    implicitGlobalRegion: "cn-northwest-1",
    regionPattern: /^cn-\w+-\d+$/,
    regions: ["aws-cn-global", "cn-north-1", "cn-northwest-1"]
  },
  {
    name: "aws-us-gov",
    dnsSuffix: "amazonaws.com",
    dualStackDnsSuffix: "api.aws",
    supportsFIPS: true,
    supportsDualStack: true,
    implicitGlobalRegion: "us-gov-west-1",
    regionPattern: /^us-gov-\w+-\d+$/,
    regions: ["aws-us-gov-global", "us-gov-east-1", "us-gov-west-1"]
  },
  {
    name: "aws-iso",
    dnsSuffix: "c2s.ic.gov",
    dualStackDnsSuffix: "api.aws.ic.gov",
    supportsFIPS: true,
    supportsDualStack: true,
    implicitGlobalRegion: "us-iso-east-1",
    regionPattern: /^us-iso-\w+-\d+$/,
    regions: ["aws-iso-global", "us-iso-east-1", "us-iso-west-1"]
  },
  {
    name: "aws-iso-b",
    dnsSuffix: "sc2s.sgov.gov",
    dualStackDnsSuffix: "api.aws.scloud",
    supportsFIPS: true,
    supportsDualStack: true,
    implicitGlobalRegion: "us-isob-east-1",
    regionPattern: /^us-isob-\w+-\d+$/,
    regions: ["aws-iso-b-global", "us-isob-east-1", "us-isob-west-1"]
  },
  {
    name: "aws-iso-e",
    dnsSuffix: "cloud.adc-e.uk",
    dualStackDnsSuffix: "api.cloud-aws.adc-e.uk",
    supportsFIPS: true,
    supportsDualStack: true,
    implicitGlobalRegion: "eu-isoe-west-1",
    regionPattern: /^eu-isoe-\w+-\d+$/,
    regions: ["aws-iso-e-global", "eu-isoe-west-1"]
  },
  {
    name: "aws-iso-f",
    dnsSuffix: "csp.hci.ic.gov",
    dualStackDnsSuffix: "api.aws.hci.ic.gov",
    supportsFIPS: true,
    supportsDualStack: true,
    implicitGlobalRegion: "us-isof-south-1",
    regionPattern: /^us-isof-\w+-\d+$/,
    regions: ["aws-iso-f-global", "us-isof-east-1", "us-isof-south-1"]
  },
  {
    name: "aws-eusc",
    dnsSuffix: "amazonaws.eu",
    dualStackDnsSuffix: "api.amazonwebservices.eu",
    supportsFIPS: true,
    supportsDualStack: true,
    implicitGlobalRegion: "eusc-de-east-1",
    regionPattern: /^eusc-(de)-\w+-\d+$/,
    regions: ["eusc-de-east-1"]
  }
]

const outputs = (p: Partition): PartitionResult => ({
  name: p.name,
  dnsSuffix: p.dnsSuffix,
  dualStackDnsSuffix: p.dualStackDnsSuffix,
  supportsFIPS: p.supportsFIPS,
  supportsDualStack: p.supportsDualStack,
  implicitGlobalRegion: p.implicitGlobalRegion
})

/**
 * `aws.partition(region)`: the partition that lists the region, else the first whose pattern
 * matches it, else the table's `aws` partition (or its first one when it has no `aws`).
 */
export const partitionOf = (
  region: string,
  table: ReadonlyArray<Partition> = partitions
): PartitionResult | undefined => {
  const found =
    table.find((p) => p.regions.includes(region)) ??
    table.find((p) => p.regionPattern.test(region)) ??
    table.find((p) => p.name === "aws") ??
    table[0]
  return found === undefined ? undefined : outputs(found)
}
