# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The ipcmon authors
# The daemon is a library with a tiny main, so tests link what it runs.
noinst_LIBRARIES += daemon/libipcmond.a
daemon_libipcmond_a_CFLAGS = $(AM_CFLAGS) $(LIBNL_CFLAGS) $(LIBSYSTEMD_CFLAGS)
daemon_libipcmond_a_SOURCES = \
	daemon/answer.c \
	daemon/answer.h \
	daemon/child.c \
	daemon/child.h \
	daemon/collector.c \
	daemon/collector.h \
	daemon/collector_main.c \
	daemon/collector_main.h \
	daemon/linkdb.c \
	daemon/linkdb.h \
	daemon/fifolog.c \
	daemon/fifolog.h \
	daemon/daemonize.c \
	daemon/daemonize.h \
	daemon/dispatcher.c \
	daemon/dispatcher.h \
	daemon/lockfile.c \
	daemon/lockfile.h \
	daemon/log.c \
	daemon/log.h \
	daemon/nlsource.c \
	daemon/nlsource.h \
	daemon/segmap.c \
	daemon/segmap.h \
	daemon/status.h \
	daemon/sysstat.c \
	daemon/sysstat.h \
	daemon/supervisor.c \
	daemon/supervisor.h \
	$(NULL)

IPCMOND_LIBS = \
	daemon/libipcmond.a \
	common/libcommon.a \
	$(LIBNL_LIBS) \
	$(LIBSYSTEMD_LIBS) \
	$(NULL)

sbin_PROGRAMS += ipcmond
ipcmond_SOURCES = daemon/main.c
ipcmond_CFLAGS = $(AM_CFLAGS) $(LIBNL_CFLAGS) $(LIBSYSTEMD_CFLAGS)
ipcmond_LDADD = $(IPCMOND_LIBS)
