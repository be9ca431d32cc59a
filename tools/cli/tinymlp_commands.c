/* SPDX-License-Identifier: MIT */
/* tinymlp tool: every command and the options it takes, with the line
 * `tinymlp COMMAND --help` prints for each. tool_args_split refuses any
 * option not listed here, so this list is what the tool accepts; the
 * commands' parsers give the options their meaning. docs/cli.md documents
 * the same options (tests/tool/check_options.py compares the two). */
#include "tinymlp_args.h"

#define N_OPTS(a) ((unsigned)(sizeof(a) / sizeof((a)[0])))

static const tool_opt_t init_opts[] = {
    {"--input", "N", "input width (required)"},
    {"--layers", "32,10", "units of each layer (required)"},
    {"--act", "relu,softmax", "activation of each layer: identity, sigmoid, tanh, relu, "
                              "leaky_relu, softmax (required)"},
    {"--init", "NAME", "auto (default: he-uniform for relu layers, xavier-uniform otherwise), "
                       "zeros, uniform, normal, fanin-uniform, xavier-uniform, xavier-normal, "
                       "he-uniform, he-normal"},
    {"--init-bias", NULL, "initialise the biases too (default: 0)"},
    {"--seed", "S", "seed of the random initialiser (default 1)"},
    {"-o", "MODEL.tmlp", "the new model (required)"},
};

static const tool_opt_t train_opts[] = {
    {"-o", "OUT.tmlp", "the trained model (required)"},
    {"--loss", "ce|mse|bce", "default: ce for a softmax output, bce for sigmoid, mse otherwise"},
    {"--optimizer", "sgd|adam|adamw|rmsprop|ema", "default sgd"},
    {"--lr", "X", "learning rate, > 0 (default 0.1 sgd and ema, 0.001 adam, 0.01 rmsprop)"},
    {"--momentum", "X", "in [0, 1) (default 0)"},
    {"--dampening", "X", "SGD's dampening, in [0, 1] (default 0)"},
    {"--nesterov", NULL, "Nesterov momentum (sgd, momentum > 0, dampening 0)"},
    {"--weight-decay", "X", ">= 0 (default 0)"},
    {"--beta1", "X", "Adam's, in [0, 1) (default 0.9; 0 = the default)"},
    {"--beta2", "X", "Adam's, in [0, 1) (default 0.999; 0 = the default)"},
    {"--eps", "X", "Adam's and RMSprop's, >= 0 (default 1e-8; 0 = the default)"},
    {"--alpha", "X", "RMSprop's, in [0, 1) (default 0.99; 0 = the default)"},
    {"--clip-norm", "X", "clip the gradient's norm to X, >= 0 (default 0: no clipping)"},
    {"--batch", "B", "samples per step; 0 = the whole file (default 32)"},
    {"--epochs", "E", "stop after E epochs (default 20)"},
    {"--steps", "K", "stop after exactly K steps (overrides --epochs)"},
    {"--no-shuffle", NULL, "rows in file order"},
    {"--seed", "S", "shuffling seed (default 1)"},
    {"--val", "VAL.csv", "validation loss and accuracy every epoch"},
    {"--resume", NULL, "continue from the optimizer state stored in the model"},
    {"--no-state", NULL, "leave the optimizer state out of the output"},
    {"--scale", "none|minmax|standard", "fit input scaling on the training file (default: "
                                        "keep the model's)"},
    {"--plot", "CURVE.svg", "SVG of the loss and accuracy per epoch"},
    {"--quiet", NULL, "only the final summary line"},
};

static const tool_opt_t eval_opts[] = {
    {"--loss", "ce|mse|bce", "default: ce for a softmax output, bce for sigmoid, mse otherwise"},
};

static const tool_opt_t dump_opts[] = {
    {"-o", "MODEL.json", "the JSON file (default: stdout)"},
};

static const tool_opt_t load_json_opts[] = {
    {"-o", "MODEL.tmlp", "the model file (required)"},
};

static const tool_opt_t export_opts[] = {
    {"-o", "MODEL.h", "the C header (required)"},
    {"--name", "NAME", "prefix of its names (default: from the header's file name)"},
};

const tool_cmd_t tool_cmds[] = {
    {"init", "--input N --layers 32,10 --act relu,softmax -o MODEL.tmlp", "a new model",
     init_opts, N_OPTS(init_opts)},
    {"train", "MODEL.tmlp TRAIN.csv -o OUT.tmlp", "trains the model on a CSV file", train_opts,
     N_OPTS(train_opts)},
    {"eval", "MODEL.tmlp TEST.csv", "loss; accuracy and confusion matrix for classification",
     eval_opts, N_OPTS(eval_opts)},
    {"predict", "MODEL.tmlp DATA.csv", "the model's output for each row", NULL, 0},
    {"dump", "MODEL.tmlp", "the JSON form of a model", dump_opts, N_OPTS(dump_opts)},
    {"load-json", "MODEL.json -o MODEL.tmlp", "a model from its JSON form", load_json_opts,
     N_OPTS(load_json_opts)},
    {"export", "MODEL.tmlp -o MODEL.h", "a C header with the weights const (flash)",
     export_opts, N_OPTS(export_opts)},
    {"info", "MODEL.tmlp", "layers, parameters and arena sizes", NULL, 0},
};

const unsigned tool_n_cmds = N_OPTS(tool_cmds);
