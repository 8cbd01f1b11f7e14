/* The block compiler's table of blocks: a hash of (virtual pc, host address) and, per guest
 * code page, the list of its blocks and a copy of the page as they were translated from it.
 * A store by this hart into a code page unlinks that page's blocks at once; FENCE.I (code
 * written by other harts or devices, which nothing here sees) only marks every page for a
 * check, done when a block of the page is next looked up: a page whose bytes still equal the
 * copy keeps its blocks, so the thousand FENCE.Is of a boot cost a compare per page used,
 * not a retranslation of everything. */
#include "target/riscv/jit/internal.h"

#include <errno.h>
#include <sys/mman.h>

static uint32_t rv_jit_hash(uint64_t vpc)
{
	return (uint32_t)((vpc >> 1) ^ (vpc >> 17)) & (JIT_HASH_SIZE - 1);
}

static uint32_t rv_jit_page_hash(const uint8_t *page)
{
	uintptr_t p = (uintptr_t)page >> 12;
	return (uint32_t)(p ^ (p >> 14)) & (JIT_PAGE_SLOTS - 1);
}

int rv_jit_table_init(struct rv_jit *j, struct cerr *e)
{
	j->copies = mmap(NULL, (size_t)JIT_PAGE_COPIES * 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (j->copies == MAP_FAILED) {
		j->copies = NULL;
		return cerr_set(e, errno, "riscv jit: allocating the code page copies");
	}
	rv_jit_table_clear(j);
	return 0;
}

void rv_jit_table_free(struct rv_jit *j)
{
	if (j->copies)
		munmap(j->copies, (size_t)JIT_PAGE_COPIES * 4096);
	j->copies = NULL;
}

void rv_jit_table_clear(struct rv_jit *j)
{
	for (uint32_t i = 0; i < JIT_HASH_SIZE; i++)
		j->hash[i] = -1;
	memset(j->pages, 0, sizeof(j->pages));
	j->n_blocks = 0;
	j->n_pages  = 0;
}

bool rv_jit_table_full(const struct rv_jit *j)
{
	return j->n_blocks >= JIT_MAX_BLOCKS || j->n_pages >= JIT_PAGE_COPIES;
}

/* The slot of a code page, or the empty slot where it would go. */
static struct rv_jit_page *rv_jit_page_slot(struct rv_jit *j, const uint8_t *page)
{
	for (uint32_t i = rv_jit_page_hash(page);; i = (i + 1) & (JIT_PAGE_SLOTS - 1))
		if (j->pages[i].page == page || !j->pages[i].page)
			return &j->pages[i];
}

static uint8_t *rv_jit_copy(struct rv_jit *j, const struct rv_jit_page *p)
{
	return j->copies + (size_t)p->copy * 4096;
}

/* Unlink a page's blocks from their hash chains; chained jumps reach a block only from its
 * own page, so nothing points at them any more. Their code stays until the next flush: the
 * block running now may be one of them. */
static void rv_jit_unlink_page(struct rv_jit *j, struct rv_jit_page *p)
{
	for (int32_t i = p->head; i >= 0; i = j->block[i].pnext) {
		struct rv_jblock *b = &j->block[i];
		for (int32_t *link = &j->hash[rv_jit_hash(b->vpc)]; *link >= 0;
		     link = &j->block[*link].hnext) {
			if (*link == i) {
				*link = b->hnext;
				break;
			}
		}
	}
	p->head = -1;
}

struct rv_jblock *rv_jit_find(struct rv_jit *j, uint64_t vpc, const uint8_t *host)
{
	for (int32_t i = j->hash[rv_jit_hash(vpc)]; i >= 0; i = j->block[i].hnext) {
		struct rv_jblock *b = &j->block[i];
		if (b->vpc != vpc || b->host != host)
			continue;
		struct rv_jit_page *p = &j->pages[b->page];
		if (p->epoch != j->epoch) {       /* a FENCE.I since the page was last checked */
			if (memcmp(rv_jit_copy(j, p), p->page, 4096) != 0) {
				rv_jit_unlink_page(j, p);
				return NULL;
			}
			p->epoch = j->epoch;
		}
		return b;
	}
	return NULL;
}

struct rv_jblock *rv_jit_new_block(struct rv_jit *j, uint64_t vpc, const uint8_t *host)
{
	if (rv_jit_table_full(j))
		return NULL;
	const uint8_t      *page = host - (vpc & 0xfff);   /* the guest page's first byte */
	struct rv_jit_page *p    = rv_jit_page_slot(j, page);
	if (!p->page) {
		*p = (struct rv_jit_page){ .page = page, .head = -1, .copy = j->n_pages++ };
		memcpy(rv_jit_copy(j, p), page, 4096);
	} else if (memcmp(rv_jit_copy(j, p), page, 4096) != 0) {
		/* changed behind our back since its other blocks were made: they go */
		rv_jit_unlink_page(j, p);
		memcpy(rv_jit_copy(j, p), page, 4096);
	}
	p->epoch = j->epoch;
	int32_t           i = (int32_t)j->n_blocks++;
	struct rv_jblock *b = &j->block[i];
	uint32_t          k = rv_jit_hash(vpc);
	*b = (struct rv_jblock){ .vpc = vpc, .host = host, .hnext = j->hash[k], .pnext = p->head,
				 .page = (int32_t)(p - j->pages) };
	j->hash[k] = i;
	p->head    = i;
	return b;
}

void rv_jit_code_written(struct rv_hart *h, const uint8_t *page)
{
	struct rv_jit *j = h->jit;

	if (!j)
		return;
	struct rv_jit_page *p = rv_jit_page_slot(j, page);
	if (!p->page || p->head < 0)
		return;
	rv_jit_unlink_page(j, p);
	j->code_changed  = true;
	h->jit_exit_site = NULL;
}

void rv_jit_fence_i(struct rv_hart *h)
{
	if (h->jit) {
		h->jit->epoch++;
		h->jit_exit_site = NULL;
	}
}
