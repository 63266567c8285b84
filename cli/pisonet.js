#!/usr/bin/env node
'use strict';
// The `pisonet` bin: runs the TypeScript entry through tsx in this same process (no build step, and
// one Node process rather than two on small boards).
require('tsx/cjs/api').register();
require('./index.ts');
