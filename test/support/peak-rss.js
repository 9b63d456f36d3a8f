'use strict';
/**
 * The peak resident set of this process alone, in MB: VmHWM of /proc/self/status. Not `process.resourceUsage().maxRSS`:
 * Linux carries the pre-exec high-water mark over into a forked child, so a bench child would report at least the
 * resident set of the harness that started it (seen here: a child of a 300 MB parent read 304 MB; its own was 39 MB).
 * Where /proc is missing (macOS) it falls back to maxRSS, which may then overstate.
 */
function peakRssMb() {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(require('node:fs').readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]) / 1024;
  } catch {
    // no procfs
  }
  return process.resourceUsage().maxRSS / 1024;
}

module.exports = { peakRssMb };
