// SPDX-License-Identifier: GPL-2.0
/*
 * dmasim: the personalities, which bundle the habits of one real provider
 * (docs/dmasim.md, "Personalities"), and the module parameters that set
 * habits one by one over the personality's. Habits that dma_device fields
 * carry are fixed for an engine at registration; the per-channel ones are
 * only the knobs' initial values here: habits.c carries them out, and
 * debugfs.c changes them at run time.
 *
 * Calls go down (docs/dmasim.md, "Sources"): called by main.c and
 * debugfs.c; calls habits.c.
 */

#include <linux/module.h>
#include <linux/string.h>

#include "budget.h"
#include "habits.h"
#include "personality.h"

struct dmasim_preset {
	bool no_synchronize;
	bool no_max_seg_size;
	bool no_residue;
	u32 max_seg_size;	/* 0: the module parameter's */
	u32 desc_budget;
	bool no_result;
	bool start_on_submit;
	enum dmasim_on_error on_error;
	u32 late_us;
	u32 reorder;
};

static const char *const dmasim_personality_names[DMASIM_PERS_NR] = {
	[DMASIM_PERS_DEFAULT] = "default",
	[DMASIM_PERS_ZYNQMP] = "zynqmp",
	[DMASIM_PERS_PL330] = "pl330",
	[DMASIM_PERS_AXIDMA] = "axidma",
};

/* The facts behind each value are in docs/dmasim.md. */
static const struct dmasim_preset dmasim_presets[DMASIM_PERS_NR] = {
	[DMASIM_PERS_DEFAULT] = { },
	[DMASIM_PERS_ZYNQMP] = {
		.no_max_seg_size = true,
		.no_residue = true,
		.desc_budget = 32,
		.no_result = true,
		.on_error = DMASIM_ON_ERROR_DROP,
	},
	[DMASIM_PERS_PL330] = {
		.no_synchronize = true,
		.max_seg_size = 1900800,
		.no_result = true,
		.late_us = 5000,
		.reorder = 4,
	},
	[DMASIM_PERS_AXIDMA] = {
		.no_max_seg_size = true,
		.desc_budget = 255,
		.start_on_submit = true,
		.on_error = DMASIM_ON_ERROR_STALL,
	},
};

static char *personality = "default";
module_param(personality, charp, 0444);
MODULE_PARM_DESC(personality, "Habits of a real provider: default, zynqmp, pl330 or axidma");

/* -1 (or no word): what the personality says. */
static int no_synchronize = -1;
module_param(no_synchronize, int, 0444);
MODULE_PARM_DESC(no_synchronize, "1: no device_synchronize, callbacks may run after terminate (-1: personality's)");

static int no_max_seg_size = -1;
module_param(no_max_seg_size, int, 0444);
MODULE_PARM_DESC(no_max_seg_size, "1: leave the max segment size unset, clients see 64 KiB (-1: personality's)");

static int no_residue = -1;
module_param(no_residue, int, 0444);
MODULE_PARM_DESC(no_residue, "1: residue granularity DESCRIPTOR, residue always 0 (-1: personality's)");

static int desc_budget = -1;
module_param(desc_budget, int, 0444);
MODULE_PARM_DESC(desc_budget, "Initial descriptor slots per channel, 0: no limit (-1: personality's)");

static int no_result = -1;
module_param(no_result, int, 0444);
MODULE_PARM_DESC(no_result, "Initial: 1: callbacks get no dmaengine_result (-1: personality's)");

static char *on_error;
module_param(on_error, charp, 0444);
MODULE_PARM_DESC(on_error, "Initial: complete, drop or stall (default: personality's)");

static int late_callback_us = -1;
module_param(late_callback_us, int, 0444);
MODULE_PARM_DESC(late_callback_us, "Initial: completed descriptors call back this long after terminate, 0: never (-1: personality's)");

static int reorder = -1;
module_param(reorder, int, 0444);
MODULE_PARM_DESC(reorder, "Initial: window of callbacks delivered out of order, 0: in order (-1: personality's)");

static int start_on_submit = -1;
module_param(start_on_submit, int, 0444);
MODULE_PARM_DESC(start_on_submit, "Initial: 1: descriptors start at submission (-1: personality's)");

/* The personality with the module parameters applied over it. */
static struct dmasim_preset dmasim_habit_params;
static enum dmasim_personality dmasim_personality;

/**
 * dmasim_personality_name() - The word that selects a personality.
 * @p: the personality
 *
 * Return: its name, as the personality parameter takes it.
 */
const char *dmasim_personality_name(enum dmasim_personality p)
{
	return dmasim_personality_names[p];
}

static int dmasim_param_bool(const char *name, int val, bool *out)
{
	if (val < -1 || val > 1) {
		pr_err("dmasim: %s=%d: use 0 or 1\n", name, val);
		return -EINVAL;
	}
	if (val >= 0)
		*out = val;
	return 0;
}

static int dmasim_param_u32(const char *name, int val, u32 max, u32 *out)
{
	if (val < -1 || (val >= 0 && (u32)val > max)) {
		pr_err("dmasim: %s=%d is outside 0..%u\n", name, val, max);
		return -EINVAL;
	}
	if (val >= 0)
		*out = val;
	return 0;
}

/**
 * dmasim_personality_parse_params() - Check the habit module parameters.
 *
 * Return: 0, or -EINVAL with the reason in the kernel log. On success the
 * preset of the personality, with each habit parameter given applied over
 * it, is what engines and channels start from.
 */
int dmasim_personality_parse_params(void)
{
	struct dmasim_preset *p = &dmasim_habit_params;
	int i, ret;

	i = match_string(dmasim_personality_names, DMASIM_PERS_NR, personality);
	if (i < 0) {
		pr_err("dmasim: personality=%s: use default, zynqmp, pl330 or axidma\n",
		       personality);
		return -EINVAL;
	}
	dmasim_personality = i;
	*p = dmasim_presets[i];
	ret = dmasim_param_bool("no_synchronize", no_synchronize, &p->no_synchronize) ?:
	      dmasim_param_bool("no_max_seg_size", no_max_seg_size, &p->no_max_seg_size) ?:
	      dmasim_param_bool("no_residue", no_residue, &p->no_residue) ?:
	      dmasim_param_bool("no_result", no_result, &p->no_result) ?:
	      dmasim_param_bool("start_on_submit", start_on_submit, &p->start_on_submit) ?:
	      dmasim_param_u32("desc_budget", desc_budget, DMASIM_BUDGET_MAX,
			       &p->desc_budget) ?:
	      dmasim_param_u32("late_callback_us", late_callback_us,
			       DMASIM_LATE_MAX_US, &p->late_us) ?:
	      dmasim_param_u32("reorder", reorder, DMASIM_REORDER_MAX, &p->reorder);
	if (ret)
		return ret;
	if (p->reorder == 1) {
		pr_err("dmasim: reorder=1: use 0 (in order) or a window of 2..%d\n",
		       DMASIM_REORDER_MAX);
		return -EINVAL;
	}
	if (on_error) {
		i = match_string(dmasim_on_error_names, DMASIM_ON_ERROR_NR, on_error);
		if (i < 0) {
			pr_err("dmasim: on_error=%s: use complete, drop or stall\n",
			       on_error);
			return -EINVAL;
		}
		p->on_error = i;
	}
	return 0;
}

/**
 * dmasim_personality_max_seg_size() - The personality's max segment size.
 * @size: set to it, if the personality has one
 *
 * Return: true if @size was set.
 */
bool dmasim_personality_max_seg_size(u32 *size)
{
	if (!dmasim_habit_params.max_seg_size)
		return false;
	*size = dmasim_habit_params.max_seg_size;
	return true;
}

/**
 * dmasim_personality_engine_init() - Fix an engine's registration-time habits.
 * @eng: the engine, before its dma_devices are set up
 */
void dmasim_personality_engine_init(struct dmasim_engine *eng)
{
	eng->personality = dmasim_personality;
	eng->no_synchronize = dmasim_habit_params.no_synchronize;
	eng->no_max_seg_size = dmasim_habit_params.no_max_seg_size;
	eng->no_residue = dmasim_habit_params.no_residue;
}

/**
 * dmasim_personality_chan_init() - Set a channel's knobs from the personality.
 * @sc: the channel, set up by dmasim_chan_init() and not yet registered
 */
void dmasim_personality_chan_init(struct dmasim_chan *sc)
{
	const struct dmasim_preset *p = &dmasim_habit_params;
	struct dmasim_habits *h = &sc->habits;

	h->desc_budget = p->desc_budget;
	h->no_result = p->no_result;
	h->on_error = p->on_error;
	h->late_us = p->late_us;
	h->reorder_hold_us = DMASIM_REORDER_HOLD_US;
	sc->start_on_submit = p->start_on_submit;
	dmasim_habits_reorder_arm(sc, p->reorder);
}
