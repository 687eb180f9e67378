/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* supervisor.h - the parent process: owns the IPC objects, runs the
 * collector and the dispatcher, talks to systemd. */
#ifndef IPCMON_SUPERVISOR_H
#define IPCMON_SUPERVISOR_H

#include <stddef.h>

#include "config.h"

/* Re-reads the configuration (defaults, file, command line) into *c on
 * SIGHUP.  Returns 0, or a negative errno with a message in err. */
typedef int config_loader_fn(struct config *c, char *err, size_t errlen,
			     void *userdata);

/* Run the daemon until SIGTERM/SIGINT.  Returns the exit status. */
int supervisor_run(const struct config *c, config_loader_fn *reload,
		   void *userdata);

#endif
