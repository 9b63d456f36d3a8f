import * as logs from 'aws-cdk-lib/aws-logs';

/**
 * The managed data identifiers CloudWatch Logs offers, as aws-cdk-lib lists them (`DataIdentifier.EMAILADDRESS`
 * → `EmailAddress`). Config names identifiers by these strings; anything else is refused at synth.
 */
export const MANAGED_DATA_IDENTIFIERS: readonly string[] = Object.values(logs.DataIdentifier)
  .filter((value): value is logs.DataIdentifier => value instanceof logs.DataIdentifier)
  .map((identifier) => identifier.name)
  .sort();

/**
 * Identifiers every protected group gets: e-mail addresses, payment cards and the credentials that must never sit
 * in a log. Deliberately absent: `Name`, `Address`, `IpAddress`, `LatLong`, phone numbers and postal codes. They
 * match ordinary prose and numbers, so masking them would blind the audit trail (source IPs) and could mask the
 * numeric fields that the metric filters and saved queries read (tokens, latency), which also see masked data.
 */
export const BASELINE_DATA_IDENTIFIERS = [
  'EmailAddress',
  'CreditCardNumber',
  'CreditCardExpiration',
  'CreditCardSecurityCode',
  'AwsSecretKey',
  'OpenSshPrivateKey',
  'PgpPrivateKey',
  'PkcsPrivateKey',
  'PuttyPrivateKey',
] as const;

/** Country-specific identifiers that match prose or bare numbers (see above); never added by region. */
const NOISY_IDENTIFIER_PREFIXES = ['PhoneNumber-', 'ZipCode-', 'PostalCode-', 'CepCode-'] as const;

/**
 * The countries whose national identifiers fit a region (where the data subjects of a workload there usually live).
 * A region without an entry (Seoul, Tokyo, Singapore, …) adds nothing: CloudWatch has no managed identifiers for
 * those countries yet. EU health insurance cards go with every EU region.
 */
const COUNTRIES_BY_REGION: Readonly<Record<string, readonly string[]>> = {
  'us-east-1': ['US'],
  'us-east-2': ['US'],
  'us-west-1': ['US'],
  'us-west-2': ['US'],
  'us-gov-east-1': ['US'],
  'us-gov-west-1': ['US'],
  'ca-central-1': ['CA'],
  'ca-west-1': ['CA'],
  'sa-east-1': ['BR'],
  'ap-southeast-2': ['AU'],
  'eu-west-1': ['IE', 'EU'],
  'eu-west-2': ['GB'],
  'eu-west-3': ['FR', 'EU'],
  'eu-central-1': ['DE', 'EU'],
  'eu-central-2': ['EU'],
  'eu-south-1': ['IT', 'EU'],
  'eu-south-2': ['ES', 'EU'],
  'eu-north-1': ['SE', 'EU'],
};

/** The region's national identifiers (passports, tax and social-security numbers, …), noisy ones left out. */
export function regionalDataIdentifiers(region: string): string[] {
  const countries = COUNTRIES_BY_REGION[region] ?? [];
  return MANAGED_DATA_IDENTIFIERS.filter(
    (name) =>
      countries.some((country) => name.endsWith(`-${country}`)) &&
      !NOISY_IDENTIFIER_PREFIXES.some((prefix) => name.startsWith(prefix)),
  );
}

/** The default identifiers of a region: the baseline plus the region's national ones. */
export function defaultDataIdentifiers(region: string): string[] {
  return [...BASELINE_DATA_IDENTIFIERS, ...regionalDataIdentifiers(region)];
}
