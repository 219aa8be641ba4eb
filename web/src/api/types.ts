// Shapes of the identity REST API (docs/api/identity.md). Times are UTC ms.

export type Lang = 'fr' | 'en';

export interface User {
  id: string;
  login: string;
  displayName: string;
  email: string | null;
  language: Lang;
  quota: number | null;
  enabled: boolean;
  admin: boolean;
  groups: string[];
  groupAdminOf: string[];
  totpEnabled: boolean;
  createdAt: number;
  lastLoginAt: number | null;
}

export type SessionState = 'signed-out' | 'totp-required' | 'totp-enrolment-required' | 'signed-in';

export interface SessionInfo {
  state: SessionState;
  user?: User;
  csrf?: string;
}

export interface DeviceSession {
  id: string;
  userAgent: string | null;
  address: string | null;
  createdAt: number;
  lastSeenAt: number;
  current: boolean;
}

export interface TotpStatus {
  enabled: boolean;
  required: boolean;
  backupCodesLeft: number;
}

export interface TotpSetup {
  secret: string;
  otpauthUri: string;
}

export interface BackupCodes {
  backupCodes: string[];
}

export interface AppPassword {
  id: string;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
}

export interface NewAppPassword {
  id: string;
  name: string;
  loginName: string;
  password: string;
}

export interface UserList {
  items: User[];
  total: number;
}

export type CreatedUser = User & { generatedPassword?: string };

export interface Group {
  id: string;
  name: string;
  memberCount: number;
  admins: string[];
  requireTotp: boolean;
}

export interface AdminSettings {
  requireTotpForAll: boolean;
}

/** The rules for links (0 days: none); `configured` is what the configuration file says. */
export interface LinkRules {
  maxExpiryDays: number;
  defaultExpiryDays: number;
  passwordEnforced: boolean;
}

export interface LinkPolicy extends LinkRules {
  configured: LinkRules;
}

/** The firm's name and logo; `configuredName` only for administrators. */
export interface Branding {
  name: string;
  logoUrl: string | null;
  configuredName?: string;
}

/** An infected upload kept for the administrators (antivirus.infected = quarantine). */
export interface QuarantineItem {
  id: string;
  owner: string;
  /** In the owner's files, without a leading slash. */
  path: string;
  signature: string;
  size: number;
  /** Who sent it: empty for the owner, else a guest's name or a login. */
  sender: string;
  address: string;
  at: number;
}

export interface AuditEntry {
  id: string | number;
  at: number;
  actor: string | null;
  action: string;
  target: string | null;
  address: string | null;
  detail: unknown;
}

export interface AuditPage {
  items: AuditEntry[];
}

export interface ImportError {
  line: number;
  reason: string;
}

export interface ImportJob {
  id: string;
  dryRun: boolean;
  status: 'running' | 'done' | 'failed';
  total: number;
  processed: number;
  created: string[];
  updated: string[];
  newGroups: string[];
  errors: ImportError[];
  passwordsAvailable: boolean;
}

// The contract's list, plus the actions the server also writes (marked *).
export const AUDIT_ACTIONS = [
  'sign-in',
  'sign-in-password-ok', // *
  'sign-in-failed',
  'sign-in-blocked',
  'sign-out',
  'totp-enabled',
  'totp-disabled',
  'totp-failed',
  'backup-code-used',
  'backup-codes-regenerated', // *
  'app-password-created',
  'app-password-revoked',
  'password-changed',
  'password-change-failed', // *
  'password-reset', // *
  'user-created',
  'user-updated',
  'user-deleted',
  'group-created',
  'group-deleted',
  'group-member-added',
  'group-member-removed',
  'group-admin-added', // *
  'group-admin-removed', // *
  'settings-changed',
  'import',
  'import-passwords-downloaded', // *
  'login-flow-granted',
  'login-flow-cancelled',
  'login-flow-delivered',
  'login-flow-expired',
  'login-flow-blocked',
  'files-lock-broken',
  'upload-infected',
  'upload-unscanned',
  'upload-unscannable',
] as const;

/** A Nextcloud Login Flow v2 as the grant page sees it (GET /login-flows/{token}). */
export interface LoginFlowInfo {
  clientName: string;
  expiresAt: number;
  state: 'pending' | 'granted';
}

/** A WebDAV lock as administrators see it (GET /admin/files/locks). */
export interface FileLock {
  token: string;
  account: string;
  path: string;
  lockedBy: string;
  owner: string | null;
  scope: 'exclusive' | 'shared';
  depth: '0' | 'infinity';
  created: number;
  expires: number;
  secondsLeft: number;
}

export interface FileLockPage {
  items: FileLock[];
}
