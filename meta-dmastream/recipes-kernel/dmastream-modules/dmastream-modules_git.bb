# SPDX-License-Identifier: GPL-2.0-only OR MIT
SUMMARY = "dmastream kernel modules: the DMA streaming client and dmasim"
DESCRIPTION = "dmastream.ko gives user space rings of DMA buffers on any \
dmaengine channel (Xilinx AXI DMA, ZynqMP ZDMA, PL330, ...); dmasim.ko is \
the simulated engine its tests and demos use."
LICENSE = "GPL-2.0-only"
LIC_FILES_CHKSUM = "file://../LICENSES/GPL-2.0;md5=fcb02dc552a041dee27e4b85c7396067"

require recipes-support/dmastream/dmastream-source.inc

inherit module

# kernel/Makefile is the module class's entry point (KERNEL_SRC, O,
# modules_install with MODLIB); kernel/Kbuild includes ../uapi, so S is the
# kernel/ directory of the whole checkout.
S = "${WORKDIR}/git/kernel"

# The module class splits kernel-module-dmastream and kernel-module-dmasim
# out of this recipe, and this recipe's own package depends on both: an
# image that wants the driver without the simulator installs
# kernel-module-dmastream alone. dmastream binds device tree nodes by their
# compatible (udev loads it then); loading it at boot also serves devices
# made through configfs.
KERNEL_MODULE_AUTOLOAD += "dmastream"
