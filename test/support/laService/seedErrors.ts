/** Response bodies copied from the Log Analytics query API's documented error replies. */
export const SEED = {
  syntaxError: {
    status: 400,
    body: {
      error: {
        message: 'The request had some invalid properties',
        code: 'BadArgumentError',
        innererror: { code: 'SyntaxError', message: 'Syntax Error' },
      },
    },
  },
  noAuth: {
    status: 401,
    body: {
      error: { code: 'AuthenticationFailed', message: "Authentication failed. The 'Authorization' header is missing." },
    },
  },
  invalidToken: {
    status: 403,
    body: { error: { code: 'InvalidAuthenticationToken', message: 'The access token is invalid.' } },
  },
  wrongAudience: {
    status: 403,
    body: {
      error: {
        code: 'InvalidAuthenticationTokenAudience',
        message:
          "The access token has been obtained from wrong audience or resource 'https://api.loganalytics.io'. It should exactly match (including forward slash) with one of the allowed audiences 'https://management.core.windows.net/','https://management.azure.com/'.",
      },
    },
  },
  unauthorizedClient: {
    status: 403,
    body: {
      error: {
        message: 'The provided credentials have insufficient access to perform the requested operation',
        code: 'InsufficientAccessError',
        innererror: {
          code: 'UnauthorizedClient',
          message:
            'The service principal does not have sufficient permissions to access this resource: 997631f8-3a55-4bb2-81b2-c0972b222260',
        },
      },
    },
  },
  insufficientAccess: {
    status: 403,
    body: {
      error: {
        message: 'The provided credentials have insufficient access to perform the requested operation',
        code: 'InsufficientAccessError',
      },
    },
  },
  invalidGrant: {
    status: 403,
    body: {
      error: 'invalid_grant',
      error_description:
        'AADSTS70002: Error validating credentials. AADSTS70008: The provided authorization code or refresh token is expired. Send a new interactive authorization request for this user and resource.',
      error_codes: [70002, 70008],
    },
  },
  pathNotFound: {
    status: 404,
    body: { error: { message: 'The requested path does not exist', code: 'PathNotFoundError' } },
  },
} as const;

/** The shape the real service uses for a parse error with position (nested innererror with line/pos). */
export const SYNTAX_WITH_POSITION = {
  status: 400,
  body: {
    error: {
      message: 'The request had some invalid properties',
      code: 'BadArgumentError',
      innererror: {
        code: 'SyntaxError',
        message: 'A recognition error occurred in the query.',
        innererror: {
          code: 'SYN0002',
          message: "Query could not be parsed at 'wher' on line [2,3]",
          line: 2,
          pos: 3,
          token: 'wher',
        },
      },
    },
  },
};
