# SPDX-License-Identifier: MIT
# The Arduino library, generated from lib/ (included by tests/avr/avr.mk).
#
#   make arduino        $(BUILDDIR)/arduino/tinymlp/ (library.properties,
#                       library.json for PlatformIO, src/, examples/) and
#                       $(BUILDDIR)/arduino/tinymlp-<version>.zip, ready for
#                       "Add .ZIP Library" (tools/scripts/arduino_package.sh)
#   make test-arduino   every example sketch built for the Uno the way the
#                       Arduino AVR core builds (avr-gcc/avr-g++ -Os -flto,
#                       against the stand-in core tests/arduino/core) and,
#                       where Debian's arduino-builder and arduino-core-avr
#                       are installed, with arduino-builder and the real
#                       core; flash and RAM printed; each image run under
#                       simavr and its output checked, XorTrain's weights
#                       CRC compared with the host's by make test
#                       (tests/arduino/build_sketches.sh); log in
#                       $(BUILDDIR)/arduino.log. Part of make test-avr.

ARD_OUT := $(BUILDDIR)/arduino
ARD_PKG := $(ARD_OUT)/tinymlp
ARD_LOG := $(BUILDDIR)/arduino.log
ARD_SKETCHES := $(wildcard examples/arduino/*/*.ino)
TARGET_LOGS += $(ARD_LOG)

.PHONY: arduino test-arduino

arduino: ## the Arduino library folder and zip in $(BUILDDIR)/arduino, generated from lib/
	@sh tools/scripts/arduino_package.sh $(ARD_OUT) "$(TINYMLP_SRC_NAMES)"

ifeq ($(AVR_TOOLS_OK),yes)
test-arduino: ## the Arduino example sketches built for the Uno (stand-in core, arduino-builder), run under simavr
	@ARDUINO_ZIP_OPTIONAL=1 sh tools/scripts/arduino_package.sh $(ARD_OUT) "$(TINYMLP_SRC_NAMES)"
	@mkdir -p $(BUILDDIR)/arduino-build
	@sh tests/arduino/build_sketches.sh $(ARD_PKG) $(BUILDDIR)/arduino-build $(ARD_LOG) $(AVR_TIMEOUT) \
	    | grep -v 'XorTrain: epoch'; rc=$$?; \
	echo "[arduino] `tail -n 1 $(ARD_LOG)`"; grep -q ' 0 failed$$' $(ARD_LOG)
else
test-arduino:
	@echo "SKIPPED test-arduino: $(AVR_CC), avr-libc or $(AVR_SIMAVR) not found (apt-get install gcc-avr avr-libc simavr zip)"
	@mkdir -p $(BUILDDIR); echo "0 passed, 0 failed" > $(ARD_LOG)
endif
