# The client links only what it uses: no libnl, no libsystemd (start-up
# cost per call, see ARCHITECTURE.md).
bin_PROGRAMS += ipcmonctl
ipcmonctl_SOURCES = \
	client/ipcmonctl.c \
	$(NULL)
ipcmonctl_LDADD = common/libcommon.a
