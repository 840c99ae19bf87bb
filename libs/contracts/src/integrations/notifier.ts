/** Shapes of an installed integration shared by the gateway (which stores them) and the worker (which calls the ITSM). */

export interface KeyValue {
  key: string;
  value: string;
}

/** The notifier as stored in clear: nothing here is a secret. */
export interface NotifierSettings {
  type: 'REST_API';
  baseURI: string;
  authType: 'NONE' | 'BASIC' | 'OAUTH2' | 'JWT';
  grantType?: 'CLIENT_CREDENTIALS' | 'PASSWORD' | 'REFRESH_TOKEN';
  userName?: string;
  apiKey?: string;
  accessTokenURL?: string;
  tokenURL?: string;
  tokensPath?: KeyValue[];
  minSeverity: number;
}

/** What is encrypted at rest and never returned (seed 004: write-only credentials). */
export interface NotifierSecrets {
  password?: string;
  apiSecret?: string;
  refreshToken?: string;
  tokenPayload?: unknown;
  tokenHeaders?: KeyValue[];
  resourceAuthHeaders?: KeyValue[];
}

export interface MapAttribute {
  name: string;
  attrName: string;
  thirdPartyAttrName?: string;
  entityType: 'ALERT' | 'PROBLEM' | 'INCIDENT' | 'CHANGE' | 'SERVICEREQUEST' | 'TASK';
  thirdPartyEntityType?: string;
  attrValues: { attrValue: string; thirdPartyAttrValue?: string }[];
}
