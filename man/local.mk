# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The ipcmon authors
# Manual pages and the sample configuration, filled by $(edit)
# (Makefile.am).
man1_MANS = man/ipcmonctl.1
man5_MANS = man/ipcmond.conf.5
man8_MANS = man/ipcmond.8 man/ipcmon-exporter.8
# The sample, with every key at its default, where Debian keeps examples.
exampledir = $(docdir)/examples
example_DATA = doc/ipcmond.conf
EDITED = $(man1_MANS) $(man5_MANS) $(man8_MANS) $(example_DATA)
EXTRA_DIST += $(EDITED:=.in)
CLEANFILES += $(EDITED)

$(EDITED): Makefile
	$(AM_V_GEN)$(MKDIR_P) $(@D) && \
	$(edit) $(srcdir)/$@.in >$@.tmp && mv $@.tmp $@
man/ipcmonctl.1: $(srcdir)/man/ipcmonctl.1.in
man/ipcmond.conf.5: $(srcdir)/man/ipcmond.conf.5.in
man/ipcmond.8: $(srcdir)/man/ipcmond.8.in
man/ipcmon-exporter.8: $(srcdir)/man/ipcmon-exporter.8.in
doc/ipcmond.conf: $(srcdir)/doc/ipcmond.conf.in

# The sample also goes to sysconfdir when nothing is there yet; it is
# never overwritten, and removed at uninstall only if unchanged.
install-data-hook:
	@if test ! -e '$(DESTDIR)$(sysconfdir)/ipcmond.conf'; then \
	  $(MKDIR_P) '$(DESTDIR)$(sysconfdir)' && \
	  $(INSTALL_DATA) doc/ipcmond.conf '$(DESTDIR)$(sysconfdir)/ipcmond.conf' && \
	  echo " installed $(DESTDIR)$(sysconfdir)/ipcmond.conf"; \
	else \
	  echo " kept the existing $(DESTDIR)$(sysconfdir)/ipcmond.conf"; \
	fi
uninstall-hook:
	@if cmp -s doc/ipcmond.conf '$(DESTDIR)$(sysconfdir)/ipcmond.conf'; then \
	  rm -f '$(DESTDIR)$(sysconfdir)/ipcmond.conf'; \
	fi
