/**
 * Browser bundle, the official SDK: its bare-bones client and one command (`GetBackend`), as
 * its documentation recommends for small bundles. Built, never run.
 */
import { AmplifyBackendClient, GetBackendCommand } from "@aws-sdk/client-amplifybackend"

const client = new AmplifyBackendClient({
  region: "us-east-1",
  endpoint: "http://127.0.0.1:4566",
  credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" }
})

client.send(new GetBackendCommand({ AppId: "d2abc123", BackendEnvironmentName: "staging" }))
  .then((output) => console.log(output.AppName))
