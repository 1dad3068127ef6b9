/* The name of vigild's status socket: an abstract unix socket (a leading NUL, no file),
 * one per network namespace. A client that connects reads 'S' and the text of 'vigil
 * status' to the end of the stream, or nothing when it may not use the cluster
 * (daemons/vigild/status-socket.c, cli/vigil-front.c). No dependencies: the front end that
 * reads it is built with the C library only. */
#pragma once

#define VIGIL_STATUS_SOCKET "vigild-status"
#define VIGIL_STATUS_MARK 'S'
