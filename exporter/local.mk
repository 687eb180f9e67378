# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The ipcmon authors
# The exporter: libmicrohttpd for HTTP, libsystemd for socket activation
# and readiness; no libnl (it reads segments, never netlink).
sbin_PROGRAMS += ipcmon-exporter
ipcmon_exporter_SOURCES = \
	exporter/http.c \
	exporter/http.h \
	exporter/main.c \
	$(NULL)
ipcmon_exporter_CFLAGS = $(AM_CFLAGS) $(LIBMICROHTTPD_CFLAGS) $(LIBSYSTEMD_CFLAGS)
ipcmon_exporter_LDADD = common/libcommon.a $(LIBMICROHTTPD_LIBS) $(LIBSYSTEMD_LIBS)
