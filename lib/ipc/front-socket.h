/* The sockets of vigil's front end (cli/vigil-front.c; served by
 * daemons/vigild/front-socket.c): abstract unix sockets (a leading NUL, no file), one per
 * network namespace, spoken with the C library alone.
 * - VIGIL_STATUS_SOCKET: a client that connects reads VIGIL_STATUS_MARK and the text of
 *   'vigil status' to the end of the stream.
 * - VIGIL_COMMAND_SOCKET: a client sends the words of one command, each ended by a NUL, and
 *   an empty word after the last ("node\0standby\0node1\0\0", at most VIGIL_COMMAND_MAX
 *   bytes); it reads VIGIL_COMMAND_DONE once the cluster has applied the command, or
 *   VIGIL_COMMAND_FULL_CLI: the full CLI is to run it (a command the socket does not take,
 *   or anything but success: the full CLI says what went wrong in its own words).
 * Whoever may not use the cluster (root and group haclient may) is closed on without a
 * byte: the full CLI then says why. */
#pragma once

#define VIGIL_STATUS_SOCKET "vigild-status"
#define VIGIL_STATUS_MARK 'S'
#define VIGIL_COMMAND_SOCKET "vigild-command"
#define VIGIL_COMMAND_MAX 4096
#define VIGIL_COMMAND_DONE 'R'
#define VIGIL_COMMAND_FULL_CLI 'F'
