/* XorTrain: a 2-4-1 network learns XOR on the board, from a fixed seed.
 *
 * Training: tanh hidden layer, sigmoid output, binary cross-entropy, SGD
 * with momentum 0.9 and learning rate 0.5, the four samples per step, 300
 * steps (5.0 s on a 16 MHz ATmega328P, measured under simavr; the loss is
 * printed every 50).
 * Then the four outputs, and the CRC-32 of the weights: the same seed gives
 * the same bits on every target, so a PC or a Cortex-M running the same
 * code prints the same CRC (0b795585).
 *
 * RAM: the net's arena is 272 bytes (TMLP_MLP2_BYTES below), the handle
 * (tmlp_net_t) 177 bytes on the AVR; the strings stay in flash (F()). Open the Serial Monitor at 115200 baud. */
#include <tinymlp.h>

static const float XOR_IN[4][2] = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
static const float XOR_OUT[4] = {0, 1, 1, 0};

static float arena[TMLP_MLP2_BYTES(2, 4, 1, TMLP_SLOTS_MOMENTUM, TMLP_BUILD_TRAIN) / sizeof(float)];
static tmlp_net_t net;

/* Stops here on an error: prints the status code. */
static void check(tmlp_status_t st, const __FlashStringHelper *what)
{
    if (st != TMLP_OK) {
        Serial.print(F("error "));
        Serial.print((int)st);
        Serial.print(F(" in "));
        Serial.println(what);
        for (;;) {
        }
    }
}

void setup()
{
    tmlp_desc_t desc;
    tmlp_optim_t optim;
    tmlp_init_t init;
    tmlp_rng_t rng;
    uint32_t crc = 0;
    unsigned long t0;
    Serial.begin(115200);
    memset(&desc, 0, sizeof desc);
    desc.n_in = 2;
    desc.n_layers = 2;
    desc.layer[0].units = 4;
    desc.layer[0].act = TMLP_ACT_TANH;
    desc.layer[1].units = 1;
    desc.layer[1].act = TMLP_ACT_SIGMOID;
    memset(&optim, 0, sizeof optim);
    optim.kind = TMLP_OPT_SGD;
    optim.lr = 0.5f;
    optim.momentum = 0.9f;
    memset(&init, 0, sizeof init);
    init.kind = TMLP_INIT_HE_NORMAL;
    init.init_bias = 1;

    tmlp_opts_t opts;
    memset(&opts, 0, sizeof opts);
    opts.optim = &optim;
    check(tmlp_net_init(&net, &desc, &opts, arena, sizeof arena, NULL), F("init"));
    check(tmlp_rng_seed(&rng, 7u), F("seed"));
    check(tmlp_net_init_weights(&net, &init, &rng), F("weights"));

    t0 = millis();
    for (int epoch = 1; epoch <= 300; epoch++) {
        float loss = 0.0f, l;
        for (int k = 0; k < 4; k++) {
            tmlp_target_t t;
            t.values = &XOR_OUT[k];
            t.label = 0;
            check(tmlp_net_forward(&net, XOR_IN[k], NULL), F("forward"));
            check(tmlp_net_backward(&net, TMLP_LOSS_BCE, &t, &l), F("backward"));
            loss += l;
        }
        check(tmlp_net_step(&net), F("step"));
        if (epoch % 50 == 0) {
            Serial.print(F("epoch "));
            Serial.print(epoch);
            Serial.print(F(" loss "));
            Serial.println(loss / 4.0f, 5);
        }
    }
    Serial.print(F("trained in "));
    Serial.print(millis() - t0);
    Serial.println(F(" ms"));

    for (int k = 0; k < 4; k++) {
        float y;
        check(tmlp_net_forward(&net, XOR_IN[k], &y), F("forward"));
        Serial.print((int)XOR_IN[k][0]);
        Serial.print(F(" xor "));
        Serial.print((int)XOR_IN[k][1]);
        Serial.print(F(" -> "));
        Serial.println(y, 4);
    }
    check(tmlp_net_crc32(&net, &crc), F("crc"));
    Serial.print(F("weights crc32 "));
    char hex[9];
    for (int i = 7; i >= 0; i--) {
        hex[i] = "0123456789abcdef"[crc & 0xfu];
        crc >>= 4;
    }
    hex[8] = '\0';
    Serial.println(hex);
}

void loop()
{
}
