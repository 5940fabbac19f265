# SPDX-License-Identifier: GPL-2.0-only OR MIT
SUMMARY = "dmastream library, pipeline and command-line tool"
DESCRIPTION = "libdmastream (rings, batched submission, completions by poll, \
eventfd and io_uring), its pipeline, and the dmastream tool (create, loop, \
rx, tx, stats). The kernel modules are in dmastream-modules."
LICENSE = "MIT & GPL-2.0-only"
LIC_FILES_CHKSUM = "file://COPYING;md5=d3ed914743e26eea2b5f04c7b3391664 \
                    file://LICENSES/MIT;md5=a0247f3390fd9cede901abb944dbd44d \
                    file://LICENSES/GPL-2.0;md5=fcb02dc552a041dee27e4b85c7396067 \
                    file://LICENSES/Linux-syscall-note;md5=e4f47d8fa651bb9dfb367e39460c190a"

require dmastream-source.inc

S = "${WORKDIR}/git"

DEPENDS = "liburing"

inherit meson pkgconfig useradd

# User space only: no modules, no VM suite, no sanitizer builds; and no
# -Werror, so that another compiler's new warning cannot break the image
# (as in the Debian package).
EXTRA_OEMESON = "-Dkernel_modules=disabled -Dvm_tests=false -Dsanitizers=false -Dwerror=false"

PACKAGES =+ "libdmastream"
FILES:libdmastream = "${libdir}/libdmastream${SOLIBS}"
# The udev rule gives /dev/dmastream/* to group dmastream; sysusers.d
# creates the group on systemd images, useradd on every image.
FILES:${PN} += "${nonarch_libdir}/udev ${nonarch_libdir}/sysusers.d"
USERADD_PACKAGES = "${PN}"
GROUPADD_PARAM:${PN} = "--system dmastream"

RRECOMMENDS:${PN} += "kernel-module-dmastream"
