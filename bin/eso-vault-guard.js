#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/src, shipped in the npm tarball (npm pack runs the
// `prepare` build) and built by `prepare` in a clone or a git-URL install. Installs from the
// tarball run no build and need only the production dependencies.
import '../dist/src/cli/main.js';
