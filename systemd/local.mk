# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The ipcmon authors
# The units: *.in filled by one rule so that paths follow --prefix and
# --sbindir (as lldpd's edit.am); @SANDBOX@ takes systemd/sandbox.in, the
# hardening both units share.
UNITS = \
	systemd/ipcmond.service \
	systemd/ipcmond@.service \
	systemd/ipcmon-exporter.service \
	systemd/ipcmon-exporter.socket \
	$(NULL)
# --without-systemdsystemunitdir: built (the tests read them), not installed.
if SYSTEMD_UNITS
systemdsystemunit_DATA = $(UNITS)
else
noinst_DATA = $(UNITS)
endif
EXTRA_DIST += \
	systemd/ipcmond.service.in \
	systemd/ipcmond@.service.in \
	systemd/ipcmon-exporter.service.in \
	systemd/ipcmon-exporter.socket.in \
	systemd/sandbox.in \
	$(NULL)
CLEANFILES += $(UNITS)

systemd/ipcmond.service: $(srcdir)/systemd/ipcmond.service.in $(srcdir)/systemd/sandbox.in Makefile
	$(AM_V_GEN)$(MKDIR_P) systemd && \
	$(edit) $(srcdir)/systemd/ipcmond.service.in >$@.tmp && mv $@.tmp $@

systemd/ipcmond@.service: $(srcdir)/systemd/ipcmond@.service.in $(srcdir)/systemd/sandbox.in Makefile
	$(AM_V_GEN)$(MKDIR_P) systemd && \
	$(edit) $(srcdir)/systemd/ipcmond@.service.in >$@.tmp && mv $@.tmp $@

# The exporter's units have their own sandbox (not sandbox.in).
systemd/ipcmon-exporter.service: $(srcdir)/systemd/ipcmon-exporter.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) systemd && \
	$(edit) $(srcdir)/systemd/ipcmon-exporter.service.in >$@.tmp && mv $@.tmp $@

systemd/ipcmon-exporter.socket: $(srcdir)/systemd/ipcmon-exporter.socket.in Makefile
	$(AM_V_GEN)$(MKDIR_P) systemd && \
	$(edit) $(srcdir)/systemd/ipcmon-exporter.socket.in >$@.tmp && mv $@.tmp $@
