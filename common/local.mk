# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The ipcmon authors
# What both programs share: no libnl, no libsystemd, no logging.
noinst_LIBRARIES += common/libcommon.a
common_libcommon_a_SOURCES = \
	common/cmdline.c \
	common/cmdline.h \
	common/config.c \
	common/config.h \
	common/escape.c \
	common/escape.h \
	common/event.c \
	common/event.h \
	common/frame.c \
	common/frame.h \
	common/futex.c \
	common/futex.h \
	common/json.c \
	common/json.h \
	common/names.c \
	common/names.h \
	common/proto.c \
	common/proto.h \
	common/segment.c \
	common/segment.h \
	common/segview.c \
	common/segview.h \
	common/usec.c \
	common/usec.h \
	$(NULL)
