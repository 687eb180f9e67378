/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* sysstat.c - see sysstat.h. */
#include "sysstat.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Next unsigned decimal after spaces; false when there is none. */
static bool next_u64(const char **p, uint64_t *ret)
{
	const char *s = *p;
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	*ret = strtoull(s, &end, 10);
	if (errno)
		return false;
	*p = end;
	return true;
}

int sysstat_parse_stat(const char *text, struct sysstat_cpu *ret)
{
	struct sysstat_cpu c = { 0 };
	bool have_total = false;
	const char *line = text;

	while (line && *line) {
		if (strncmp(line, "cpu ", 4) == 0 && !have_total) {
			const char *p = line + 4;
			uint64_t v[8] = { 0 };
			int n = 0;

			while (n < 8 && next_u64(&p, &v[n]))
				n++;
			if (n < 4 || (*p != '\n' && *p != '\0' && *p != ' '))
				return -EINVAL;
			for (int i = 0; i < n; i++)
				c.total += v[i];
			c.idle = v[3] + v[4]; /* idle + iowait */
			have_total = true;
		} else if (strncmp(line, "cpu", 3) == 0 && isdigit((unsigned char)line[3])) {
			c.ncpu++;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	if (!have_total || c.total == 0 || c.idle > c.total)
		return -EINVAL;
	if (c.ncpu == 0)
		c.ncpu = 1;
	*ret = c;
	return 0;
}

static int meminfo_field(const char *text, const char *key, uint64_t *ret)
{
	size_t klen = strlen(key);
	const char *line = text;

	while (line && *line) {
		if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
			const char *p = line + klen + 1;
			uint64_t kb;

			if (!next_u64(&p, &kb))
				return -EINVAL;
			while (*p == ' ')
				p++;
			if (strncmp(p, "kB", 2) != 0 || kb > UINT64_MAX / 1024)
				return -EINVAL;
			*ret = kb * 1024;
			return 0;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return -EINVAL;
}

int sysstat_parse_meminfo(const char *text, struct sysstat_mem *ret)
{
	struct sysstat_mem m;

	if (meminfo_field(text, "MemTotal", &m.total) < 0 ||
	    meminfo_field(text, "MemAvailable", &m.available) < 0 ||
	    m.available > m.total)
		return -EINVAL;
	*ret = m;
	return 0;
}

uint32_t sysstat_cpu_usage_centi(const struct sysstat_cpu *prev,
				 const struct sysstat_cpu *cur)
{
	uint64_t dt, di;

	if (cur->total <= prev->total || cur->idle < prev->idle)
		return 0;
	dt = cur->total - prev->total;
	di = cur->idle - prev->idle;
	if (di > dt)
		return 0;
	return (uint32_t)((dt - di) * 10000 / dt);
}

int sysstat_read_file(const char *path, char *buf, size_t len)
{
	size_t used = 0;
	int fd, r = 0;

	if (len == 0)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n = read(fd, buf + used, len - 1 - used);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			break;
		}
		if (n == 0)
			break;
		used += (size_t)n;
		if (used == len - 1) {
			r = -EFBIG;
			break;
		}
	}
	close(fd);
	buf[used] = '\0';
	return r < 0 ? r : (int)used;
}
