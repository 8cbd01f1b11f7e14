/* Bus and guest-memory bookkeeping shared by every machine; see bus.h. */
#include "hw/bus.h"

#include <errno.h>
#include <string.h>

int bus_map(struct bus *b, const char *name, uint64_t base, uint64_t size,
	    const struct bus_ops *ops, void *opaque, struct cerr *e)
{
	if (size == 0 || base + size - 1 < base)
		return cerr_set(e, EINVAL, "bus: window `%s` at %#llx has a bad size %#llx", name,
				(unsigned long long)base, (unsigned long long)size);
	if (b->n >= BUS_MAX_REGIONS)
		return cerr_set(e, ENOSPC, "bus: no room for window `%s`", name);

	int at = 0;
	while (at < b->n && b->region[at].base < base)
		at++;
	const struct bus_region *prev = at > 0 ? &b->region[at - 1] : NULL;
	const struct bus_region *next = at < b->n ? &b->region[at] : NULL;
	if ((prev && prev->base + prev->size > base) || (next && base + size > next->base))
		return cerr_set(e, EBUSY, "bus: window `%s` at %#llx overlaps `%s`", name,
				(unsigned long long)base,
				(prev && prev->base + prev->size > base) ? prev->name : next->name);

	memmove(&b->region[at + 1], &b->region[at], (size_t)(b->n - at) * sizeof(b->region[0]));
	b->region[at] = (struct bus_region){
		.base   = base,
		.size   = size,
		.ops    = ops,
		.opaque = opaque,
		.name   = name,
	};
	b->n++;
	return 0;
}

const struct bus_region *bus_find(const struct bus *b, uint64_t addr)
{
	int lo = 0, hi = b->n - 1;

	while (lo <= hi) {
		int                      mid = lo + (hi - lo) / 2;
		const struct bus_region *r   = &b->region[mid];
		if (addr < r->base)
			hi = mid - 1;
		else if (addr - r->base >= r->size)
			lo = mid + 1;
		else
			return r;
	}
	return NULL;
}

static const struct bus_region *bus_window(const struct bus *b, uint64_t addr, unsigned size)
{
	const struct bus_region *r = bus_find(b, addr);

	if (!r || size == 0 || size > 8 || addr - r->base + size > r->size)
		return NULL;
	return r;
}

bool bus_read(const struct bus *b, uint64_t addr, unsigned size, uint64_t *value)
{
	const struct bus_region *r = bus_window(b, addr, size);

	if (!r || !r->ops->read)
		return false;
	*value = r->ops->read(r->opaque, addr - r->base, size);
	return true;
}

bool bus_write(const struct bus *b, uint64_t addr, unsigned size, uint64_t value)
{
	const struct bus_region *r = bus_window(b, addr, size);

	if (!r || !r->ops->write)
		return false;
	r->ops->write(r->opaque, addr - r->base, value, size);
	return true;
}

int guest_mem_add(struct guest_mem *m, uint64_t gpa, uint64_t size, void *host, struct cerr *e)
{
	if (m->n >= GUEST_MEM_MAX_REGIONS)
		return cerr_set(e, ENOSPC, "guest memory: too many RAM regions");
	if (size == 0 || gpa + size - 1 < gpa)
		return cerr_set(e, EINVAL, "guest memory: bad region %#llx+%#llx",
				(unsigned long long)gpa, (unsigned long long)size);
	m->region[m->n].gpa  = gpa;
	m->region[m->n].size = size;
	m->region[m->n].host = host;
	m->n++;
	return 0;
}

void *guest_mem_ptr(const struct guest_mem *m, uint64_t gpa, uint64_t len)
{
	for (int i = 0; i < m->n; i++) {
		uint64_t off = gpa - m->region[i].gpa;
		/* unsigned arithmetic: gpa below the base wraps to a huge offset */
		if (gpa >= m->region[i].gpa && off <= m->region[i].size &&
		    len <= m->region[i].size - off)
			return m->region[i].host + off;
	}
	return NULL;
}

int guest_mem_read(const struct guest_mem *m, uint64_t gpa, void *buf, size_t len)
{
	void *p = guest_mem_ptr(m, gpa, len);

	if (!p)
		return -1;
	memcpy(buf, p, len);
	return 0;
}

int guest_mem_write(const struct guest_mem *m, uint64_t gpa, const void *buf, size_t len)
{
	void *p = guest_mem_ptr(m, gpa, len);

	if (!p)
		return -1;
	memcpy(p, buf, len);
	return 0;
}
