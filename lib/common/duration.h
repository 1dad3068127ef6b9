/* Pacemaker-compatible durations (op interval, timeout, failure-timeout, ...). */
#pragma once

#include <stdint.h>

/* Parses a duration as Pacemaker accepts it and returns milliseconds:
 *   "10" (seconds), "10s", "10sec", "30000ms", "30000msec", "500us"/"usec" (rounded down),
 *   "1m", "1min", "2h", "2hr", and ISO 8601 durations "PT10S", "P1DT2H", "PT1M30S", "P1W".
 * Units are case-insensitive; whitespace around the number and unit is allowed. ISO 8601
 * designators come at most once each, in order (Y M W D, then T H M S).
 * Stricter than Pacemaker, which would take "1.5s" as 1 s and "5sx" as 5 s: those are
 * -EINVAL here. Returns 0, -EINVAL (malformed) or -ERANGE (does not fit in 64 bits). */
int vigil_duration_parse_ms(const char *text, uint64_t *ret_ms);
