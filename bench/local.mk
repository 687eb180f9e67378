# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The ipcmon authors
# Benchmarks: measurements, not tests (`make bench`, as root, on an idle
# machine).  Each prints its figures with ratios against a peer or a
# baseline measured in the same run.
check_PROGRAMS += bench/linkdb-bench
bench_linkdb_bench_SOURCES = bench/linkdb-bench.c
bench_linkdb_bench_CFLAGS = $(CHECK_TEST_CFLAGS)
bench_linkdb_bench_LDADD = $(IPCMOND_LIBS)

# The peers' floors: a raw SysV ping-pong, a raw rtnetlink listener.
check_PROGRAMS += bench/sysv-pingpong
bench_sysv_pingpong_SOURCES = bench/sysv-pingpong.c

check_PROGRAMS += bench/nl-latency
bench_nl_latency_SOURCES = bench/nl-latency.c
bench_nl_latency_LDADD = common/libcommon.a -lpthread

BENCH_PROGS = \
	bench/collector.sh \
	bench/compare.sh \
	bench/scrape.sh \
	$(NULL)
EXTRA_DIST += $(BENCH_PROGS)

bench: all $(check_PROGRAMS)
	bench/linkdb-bench
	$(BASH) $(srcdir)/bench/compare.sh $(abs_top_builddir)
	$(BASH) $(srcdir)/bench/collector.sh $(abs_top_builddir)
	$(BASH) $(srcdir)/bench/scrape.sh $(abs_top_builddir)
.PHONY: bench
