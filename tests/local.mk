# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The ipcmon authors
# Unit tests (Check, one suite per module) and integration tests (bash
# scripts in network namespaces, exit 77 = SKIP when not root).
TEST_EXTENSIONS = .test
TEST_LOG_COMPILER = $(BASH)
AM_TESTS_ENVIRONMENT = \
	abs_top_builddir='$(abs_top_builddir)'; export abs_top_builddir; \
	abs_top_srcdir='$(abs_top_srcdir)'; export abs_top_srcdir; \
	CK_DEFAULT_TIMEOUT=30; export CK_DEFAULT_TIMEOUT; \
	$(NULL)

CHECK_TEST_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(LIBNL_CFLAGS) $(LIBSYSTEMD_CFLAGS)
CHECK_TEST_LIBS = $(IPCMOND_LIBS) $(CHECK_LIBS)

check_PROGRAMS += tests/check_config
tests_check_config_SOURCES = tests/check_config.c
tests_check_config_CFLAGS = $(CHECK_TEST_CFLAGS)
tests_check_config_LDADD = $(CHECK_TEST_LIBS)

check_PROGRAMS += tests/check_segment
tests_check_segment_SOURCES = tests/check_segment.c
tests_check_segment_CFLAGS = $(CHECK_TEST_CFLAGS)
tests_check_segment_LDADD = $(CHECK_TEST_LIBS)

check_PROGRAMS += tests/check_segmap
tests_check_segmap_SOURCES = tests/check_segmap.c
tests_check_segmap_CFLAGS = $(CHECK_TEST_CFLAGS)
tests_check_segmap_LDADD = $(CHECK_TEST_LIBS)

check_PROGRAMS += tests/check_frame
tests_check_frame_SOURCES = tests/check_frame.c
tests_check_frame_CFLAGS = $(CHECK_TEST_CFLAGS)
tests_check_frame_LDADD = $(CHECK_TEST_LIBS)

check_PROGRAMS += tests/check_lockfile
tests_check_lockfile_SOURCES = tests/check_lockfile.c
tests_check_lockfile_CFLAGS = $(CHECK_TEST_CFLAGS)
tests_check_lockfile_LDADD = $(CHECK_TEST_LIBS)

check_PROGRAMS += tests/check_names
tests_check_names_SOURCES = tests/check_names.c
tests_check_names_CFLAGS = $(CHECK_TEST_CFLAGS)
tests_check_names_LDADD = $(CHECK_TEST_LIBS)

check_PROGRAMS += tests/check_linkdb
tests_check_linkdb_SOURCES = tests/check_linkdb.c
tests_check_linkdb_CFLAGS = $(CHECK_TEST_CFLAGS)
tests_check_linkdb_LDADD = $(CHECK_TEST_LIBS)

check_PROGRAMS += tests/check_collector
tests_check_collector_SOURCES = tests/check_collector.c
tests_check_collector_CFLAGS = $(CHECK_TEST_CFLAGS)
tests_check_collector_LDADD = $(CHECK_TEST_LIBS)

check_PROGRAMS += tests/check_segview
tests_check_segview_SOURCES = tests/check_segview.c
tests_check_segview_CFLAGS = $(CHECK_TEST_CFLAGS)
tests_check_segview_LDADD = $(CHECK_TEST_LIBS)

check_PROGRAMS += tests/check_sysstat
tests_check_sysstat_SOURCES = tests/check_sysstat.c
tests_check_sysstat_CFLAGS = $(CHECK_TEST_CFLAGS)
tests_check_sysstat_LDADD = $(CHECK_TEST_LIBS)

check_PROGRAMS += tests/check_fifolog
tests_check_fifolog_SOURCES = tests/check_fifolog.c
tests_check_fifolog_CFLAGS = $(CHECK_TEST_CFLAGS)
tests_check_fifolog_LDADD = $(CHECK_TEST_LIBS)

check_PROGRAMS += tests/check_event
tests_check_event_SOURCES = tests/check_event.c
tests_check_event_CFLAGS = $(CHECK_TEST_CFLAGS)
tests_check_event_LDADD = $(CHECK_TEST_LIBS)

check_PROGRAMS += tests/check_log
tests_check_log_SOURCES = tests/check_log.c
tests_check_log_CFLAGS = $(CHECK_TEST_CFLAGS)
tests_check_log_LDADD = $(CHECK_TEST_LIBS)

check_PROGRAMS += tests/check_proto
tests_check_proto_SOURCES = tests/check_proto.c
tests_check_proto_CFLAGS = $(CHECK_TEST_CFLAGS)
tests_check_proto_LDADD = $(CHECK_TEST_LIBS)

check_PROGRAMS += tests/check_json
tests_check_json_SOURCES = tests/check_json.c
tests_check_json_CFLAGS = $(CHECK_TEST_CFLAGS)
tests_check_json_LDADD = $(CHECK_TEST_LIBS)

check_PROGRAMS += tests/check_metrics
tests_check_metrics_SOURCES = tests/check_metrics.c tests/testseg.c tests/testseg.h
tests_check_metrics_CFLAGS = $(CHECK_TEST_CFLAGS)
tests_check_metrics_LDADD = $(CHECK_TEST_LIBS)

check_PROGRAMS += tests/check_answer
tests_check_answer_SOURCES = tests/check_answer.c tests/testseg.c tests/testseg.h
tests_check_answer_CFLAGS = $(CHECK_TEST_CFLAGS)
tests_check_answer_LDADD = $(CHECK_TEST_LIBS)

check_PROGRAMS += tests/check_dispatcher
tests_check_dispatcher_SOURCES = tests/check_dispatcher.c tests/testseg.c tests/testseg.h
tests_check_dispatcher_CFLAGS = $(CHECK_TEST_CFLAGS)
tests_check_dispatcher_LDADD = $(CHECK_TEST_LIBS)

# Helpers the integration tests use.
check_PROGRAMS += tests/run-ready
tests_run_ready_SOURCES = tests/run-ready.c

check_PROGRAMS += tests/segdump
tests_segdump_SOURCES = tests/segdump.c
tests_segdump_LDADD = common/libcommon.a

COLLECTOR_TESTS = \
	tests/collector.test \
	tests/collector-parent-reads.test \
	tests/collector-burst.test \
	tests/collector-overflow.test \
	tests/collector-restart.test \
	$(NULL)
EXTRA_DIST += $(COLLECTOR_TESTS) tests/collector-lib.sh


check_PROGRAMS += tests/dispatch-harness
tests_dispatch_harness_SOURCES = tests/dispatch-harness.c
tests_dispatch_harness_CFLAGS = $(CHECK_TEST_CFLAGS)
tests_dispatch_harness_LDADD = $(IPCMOND_LIBS)

check_PROGRAMS += tests/qjunk
tests_qjunk_SOURCES = tests/qjunk.c
tests_qjunk_LDADD = common/libcommon.a

UNIT_TESTS = \
	tests/check_answer \
	tests/check_collector \
	tests/check_dispatcher \
	tests/check_json \
	tests/check_proto \
	tests/check_event \
	tests/check_fifolog \
	tests/check_log \
	tests/check_metrics \
	tests/check_config \
	tests/check_frame \
	tests/check_linkdb \
	tests/check_lockfile \
	tests/check_names \
	tests/check_segment \
	tests/check_segmap \
	tests/check_segview \
	tests/check_sysstat \
	$(NULL)

# Longest first: make check runs them in this order, two at a time, so
# the package build overlaps the rest instead of ending the run.
INTEGRATION_TESTS = \
	tests/package.test \
	tests/install.test \
	tests/man.test \
	$(COLLECTOR_TESTS) \
	tests/supervisor.test \
	tests/fifo.test \
	tests/fifo-json.test \
	tests/event-json.test \
	tests/fifo-safety.test \
	tests/dispatch.test \
	tests/client-ip.test \
	tests/client-wait.test \
	tests/client-8000.test \
	tests/client-restart.test \
	tests/client-follow.test \
	tests/client-abi.test \
	tests/metrics.test \
	tests/exporter.test \
	tests/exporter-prometheus.test \
	tests/journal.test \
	tests/options.test \
	tests/lifecycle.test \
	tests/locks.test \
	tests/licence.test \
	tests/systemd-units.test \
	tests/systemd-options.test \
	tests/systemd-service.test \
	tests/systemd-instance.test \
	tests/systemd-exporter.test \
	$(NULL)

TESTS += $(UNIT_TESTS) $(INTEGRATION_TESTS)
EXTRA_DIST += $(INTEGRATION_TESTS) tests/lib.sh
EXTRA_DIST += tests/client-lib.sh
EXTRA_DIST += tests/metrics-lib.sh tests/httpjunk.py
EXTRA_DIST += tests/nspawn.sh

# Check's own summary line for each suite, after automake's.
check-local: check-TESTS
	@for t in $(UNIT_TESTS); do \
	  if test -f $$t.log; then grep -h '^[0-9]*%: Checks' $$t.log | sed "s|^|$$t: |"; fi; \
	done
