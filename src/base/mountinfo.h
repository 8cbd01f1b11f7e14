/* /proc/<pid>/mountinfo, one line at a time (see proc(5)). */
#ifndef CELLA_BASE_MOUNTINFO_H
#define CELLA_BASE_MOUNTINFO_H

struct mountinfo_entry {
	char *root;        /* the mount's root within its filesystem */
	char *mountpoint;  /* unescaped */
	char *opts;        /* per-mount options: rw,nosuid,... */
	char *fstype;
	char *source;
	char *superopts;   /* per-superblock options: for cgroup v1, the controllers */
};

/* Split one line in place; the entry points into line. Returns 0, or -1 if malformed. */
int mountinfo_parse_line(char *line, struct mountinfo_entry *m);

#endif
