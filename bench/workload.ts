/**
 * The bench workload, shared by the server, the workers and the orchestrator: the two
 * operations, their inputs, and how a target server is described. Only type imports from
 * `src/`, so a process that imports this module loads none of our client's code.
 */
import type { CreateBackendAuthRequest, GetBackendRequest } from "../src/Schema/Shapes.js"

/** The operations measured. */
export type Op = "GetBackend" | "CreateBackendAuth"
export const ops: ReadonlyArray<Op> = ["GetBackend", "CreateBackendAuth"]

/**
 * The clients compared: ours with its default Node layers, ours with `LeanHttpClient` in place
 * of the default HTTP client, the official SDK, and the floor.
 */
export type ClientKind = "ours" | "oursLean" | "sdk" | "floor"
export const clients: ReadonlyArray<ClientKind> = ["ours", "oursLean", "sdk", "floor"]

/** The app `GetBackend` reads: one environment. */
export const getApp = "benchget"
/** The app `CreateBackendAuth` writes: one environment per closed-loop worker. */
export const authApp = "benchauth"
/** The most closed-loop workers a run uses; each has its own environment in `authApp`. */
export const maxWorkers = 32

/** The environment closed-loop worker `w` creates auth resources in. */
export const authEnvironment = (w: number): string => `w${w}`

/** Where a loopback server listens and what it accepts. */
export interface Target {
  readonly url: string
  readonly region: string
  readonly accessKeyId: string
  readonly secretAccessKey: string
}

/** A request as sent on the wire, signed: what the floor replays. */
export interface RawRequest {
  readonly method: string
  readonly path: string
  readonly headers: Record<string, string>
  readonly body: string
}

export const getBackendInput: GetBackendRequest = {
  AppId: getApp,
  BackendEnvironmentName: "dev"
}

const redirects = (kind: string): ReadonlyArray<string> =>
  ["https://app.example.com", "https://staging.example.com", "http://localhost:3000", "myapp://"]
    .map((base) => `${base}/auth/${kind}`)

/** A large nested input: every optional member of the auth resource config is given. */
export const createBackendAuthInput = (w: number): CreateBackendAuthRequest => ({
  AppId: authApp,
  BackendEnvironmentName: authEnvironment(w),
  ResourceName: "benchauth",
  ResourceConfig: {
    AuthResources: "IDENTITY_POOL_AND_USER_POOL",
    Service: "COGNITO",
    IdentityPoolConfigs: { IdentityPoolName: "bench_identity_pool", UnauthenticatedLogin: true },
    UserPoolConfigs: {
      UserPoolName: "bench-user-pool",
      SignInMethod: "EMAIL_AND_PHONE_NUMBER",
      RequiredSignUpAttributes: [
        "EMAIL",
        "PHONE_NUMBER",
        "GIVEN_NAME",
        "FAMILY_NAME",
        "BIRTHDATE",
        "LOCALE",
        "ZONE_INFO"
      ],
      ForgotPassword: {
        DeliveryMethod: "EMAIL",
        EmailSettings: {
          EmailMessage: "Your password reset code is {####}. It expires in one hour.",
          EmailSubject: "Reset your password"
        },
        SmsSettings: { SmsMessage: "Your password reset code is {####}" }
      },
      Mfa: {
        MFAMode: "OPTIONAL",
        Settings: { MfaTypes: ["SMS", "TOTP"], SmsMessage: "Your sign-in code is {####}" }
      },
      OAuth: {
        DomainPrefix: "bench-auth-domain",
        OAuthGrantType: "CODE",
        OAuthScopes: ["PHONE", "EMAIL", "OPENID", "PROFILE", "AWS_COGNITO_SIGNIN_USER_ADMIN"],
        RedirectSignInURIs: redirects("signin"),
        RedirectSignOutURIs: redirects("signout"),
        SocialProviderSettings: {
          Facebook: { ClientId: "facebook-client-id-0123456789", ClientSecret: "facebook-secret-abcdef" },
          Google: { ClientId: "google-client-id.apps.example", ClientSecret: "google-secret-abcdef" },
          LoginWithAmazon: { ClientId: "amzn1.application-oa2-client.0123", ClientSecret: "lwa-secret" },
          SignInWithApple: {
            ClientId: "com.example.bench.signin",
            KeyId: "KEYID01234",
            PrivateKey: "-----BEGIN PRIVATE KEY-----MIGTAgEAMBMGByqGSM49AgEGCCqGSM49-----END PRIVATE KEY-----",
            TeamId: "TEAMID0123"
          }
        }
      },
      PasswordPolicy: {
        MinimumLength: 12,
        AdditionalConstraints: ["REQUIRE_DIGIT", "REQUIRE_LOWERCASE", "REQUIRE_SYMBOL", "REQUIRE_UPPERCASE"]
      },
      VerificationMessage: {
        DeliveryMethod: "EMAIL",
        EmailSettings: { EmailMessage: "Your verification code is {####}", EmailSubject: "Verify your email" },
        SmsSettings: { SmsMessage: "Your verification code is {####}" }
      }
    }
  }
})

/** The environment variables every child process gets: nothing of AWS but what keeps SDKs local. */
export const childEnvironment = (extra: Record<string, string>, configDir: string): Record<string, string> => {
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !name.startsWith("AWS_") && name !== "NODE_OPTIONS") env[name] = value
  }
  return {
    ...env,
    // No metadata service, and shared config files that do not exist: the SDK's default
    // providers never look beyond this project even if one of them were reached.
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_CONFIG_FILE: `${configDir}/no-config`,
    AWS_SHARED_CREDENTIALS_FILE: `${configDir}/no-credentials`,
    ...extra
  }
}
