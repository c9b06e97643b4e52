/**
 * Browser bundle, the floor: the smallest program that can make the same call: aws4fetch
 * signs, `fetch` sends, `JSON.parse` reads. No validation, no typed errors. Built, never run.
 */
import { AwsClient } from "aws4fetch"

const aws = new AwsClient({
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "secret",
  region: "us-east-1",
  service: "amplifybackend"
})

aws.fetch(`http://127.0.0.1:4566/backend/${encodeURIComponent("d2abc123")}/details`, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ backendEnvironmentName: "staging" })
})
  .then((response) => response.json() as Promise<{ appName?: string }>)
  .then((output) => console.log(output.appName))
