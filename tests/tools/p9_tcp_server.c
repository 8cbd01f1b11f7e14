/* Test harness: serves a folder with cella's 9P2000.L implementation (src/hw/virtio/9p_*.c)
 * over TCP, so a Linux guest's v9fs client (mount -t 9p -o trans=tcp) exercises the same
 * message handling virtio-9p uses. Prints the port it listens on, serves one connection.
 *
 *   p9-tcp-server DIR
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hw/virtio/9p.h"

static int read_full(int fd, uint8_t *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = read(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct p9_fs *fs;
	struct cerr   e;

	if (argc != 2) {
		fprintf(stderr, "usage: p9-tcp-server DIR\n");
		return 2;
	}
	if (p9_fs_new(&fs, argv[1], &e) < 0) {
		fprintf(stderr, "p9-tcp-server: %s\n", e.msg);
		return 1;
	}
	int                ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t          sl = sizeof(sa);
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if (ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(ls, 1) < 0 ||
	    getsockname(ls, (struct sockaddr *)&sa, &sl) < 0) {
		perror("p9-tcp-server: listen");
		return 1;
	}
	printf("%u\n", ntohs(sa.sin_port));
	fflush(stdout);
	int      c     = accept(ls, NULL, NULL);
	uint8_t *req   = malloc(P9_MAX_MSIZE), *reply = malloc(P9_MAX_MSIZE);
	unsigned count = 0;
	while (c >= 0 && req && reply) {
		uint32_t size;
		if (read_full(c, req, 4) < 0)
			break;
		memcpy(&size, req, 4);
		if (size < 7 || size > P9_MAX_MSIZE || read_full(c, req + 4, size - 4) < 0)
			break;
		size_t n = p9_handle(fs, req, size, reply, P9_MAX_MSIZE);
		if (write(c, reply, n) != (ssize_t)n)
			break;
		count++;
	}
	fprintf(stderr, "p9-tcp-server: %u requests\n", count);
	free(req);
	free(reply);
	if (c >= 0)
		close(c);
	close(ls);
	p9_fs_free(fs);
	return 0;
}
