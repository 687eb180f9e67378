/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* lockfile.h - one instance per set of names. */
#ifndef IPCMON_LOCKFILE_H
#define IPCMON_LOCKFILE_H

#include <sys/types.h>

/* Create (with its missing directories, mode 0755) and flock the lock file at path,
 * and write our pid into it.  Returns the open fd; -EWOULDBLOCK when
 * another process holds it (its pid in *ret_holder when known, else 0),
 * or another -errno.  Symlinks are not followed. */
int lockfile_acquire(const char *path, pid_t *ret_holder);

/* Create the directory that will hold path, and every missing directory
 * above it (mode 0755, less the umask), as mkdir -p.  Returns 0 or
 * -errno. */
int lockfile_mkdir_parent(const char *path);

#endif
