# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The ipcmon authors
# The client links only what it uses: no libnl, no libsystemd (start-up
# cost per call, see ARCHITECTURE.md).
bin_PROGRAMS += ipcmonctl
ipcmonctl_SOURCES = \
	client/ctl.h \
	client/ipcmonctl.c \
	client/linkset.c \
	client/output_json.c \
	client/output_text.c \
	client/query.c \
	client/verbs_events.c \
	client/verbs_links.c \
	client/verbs_metrics.c \
	client/verbs_status.c \
	client/watch.c \
	$(NULL)
ipcmonctl_LDADD = common/libcommon.a
