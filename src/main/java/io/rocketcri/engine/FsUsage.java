package io.rocketcri.engine;

/**
 * Size and free space of one file system, as statvfs(3) reports it.
 * @param totalBytes size of the file system ({@code f_blocks * f_frsize})
 * @param freeBytes bytes an unprivileged writer may still use ({@code f_bavail * f_frsize}, what
 * df(1) shows as "Avail")
 * @param totalInodes number of inodes ({@code f_files})
 * @param freeInodes inodes still free ({@code f_favail})
 * @param fsid file system id ({@code f_fsid}); tells whether two paths share a file system
 */
public record FsUsage(long totalBytes, long freeBytes, long totalInodes, long freeInodes, long fsid) {
}
