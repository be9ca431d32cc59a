/* SensorClassifier: a 4-8-3 network trained on the board from samples held
 * in flash, then fine-tuned on new samples.
 *
 * The data: 24 flower measurements (sepal and petal length and width, in
 * cm; three species), the kind of small labelled set a sensor node
 * collects, kept in flash with PROGMEM and read one sample at a time, so
 * the set costs no RAM. The net scales its inputs itself (the offsets and
 * scales below are each feature's mean and 1 / standard deviation), has a
 * ReLU hidden layer and a softmax output, and trains with cross-entropy and
 * SGD with momentum, in mini-batches of 4 samples, 60 epochs from a fixed
 * seed.
 *
 * Then 6 new samples arrive from a sensor that reads sepals 0.4 cm, petals
 * 1.5 cm long and 0.5 cm wide: the net is fine-tuned on them (smaller learning
 * rate, 40 epochs) and the accuracy on the new and the old samples printed
 * before and after. Under simavr (16 MHz) it prints: before, old 100% and
 * new 66%; after, old 75% and new 100% (the net follows the new sensor and
 * forgets some of the old one). Open the Serial Monitor at 115200 baud. */
#include <tinymlp.h>

struct Sample {
    float x[4];
    uint8_t label;
};

static const Sample TRAIN[] PROGMEM = {
    {4.8f, 3.0f, 1.4f, 0.3f, 0},
    {4.9f, 3.0f, 1.4f, 0.2f, 0},
    {4.4f, 3.0f, 1.3f, 0.2f, 0},
    {5.0f, 3.4f, 1.5f, 0.2f, 0},
    {4.9f, 3.6f, 1.4f, 0.1f, 0},
    {5.4f, 3.9f, 1.7f, 0.4f, 0},
    {5.2f, 4.1f, 1.5f, 0.1f, 0},
    {5.2f, 3.4f, 1.4f, 0.2f, 0},
    {5.8f, 2.7f, 3.9f, 1.2f, 1},
    {6.3f, 2.5f, 4.9f, 1.5f, 1},
    {5.6f, 2.7f, 4.2f, 1.3f, 1},
    {4.9f, 2.4f, 3.3f, 1.0f, 1},
    {5.7f, 2.9f, 4.2f, 1.3f, 1},
    {6.3f, 3.3f, 4.7f, 1.6f, 1},
    {5.1f, 2.5f, 3.0f, 1.1f, 1},
    {5.6f, 2.5f, 3.9f, 1.1f, 1},
    {6.7f, 2.5f, 5.8f, 1.8f, 2},
    {6.7f, 3.3f, 5.7f, 2.1f, 2},
    {6.1f, 3.0f, 4.9f, 1.8f, 2},
    {5.9f, 3.0f, 5.1f, 1.8f, 2},
    {7.7f, 2.6f, 6.9f, 2.3f, 2},
    {6.9f, 3.1f, 5.1f, 2.3f, 2},
    {6.5f, 3.0f, 5.8f, 2.2f, 2},
    {6.7f, 3.1f, 5.6f, 2.4f, 2}
};
static const Sample NEW_SAMPLES[] PROGMEM = {
    {5.9f, 4.2f, 2.9f, 0.7f, 0},
    {6.1f, 4.4f, 3.0f, 0.9f, 0},
    {6.1f, 3.0f, 5.7f, 1.7f, 1},
    {6.6f, 2.9f, 5.8f, 1.8f, 1},
    {8.1f, 3.0f, 7.6f, 2.8f, 2},
    {8.0f, 3.0f, 8.1f, 2.6f, 2}
};
static const uint8_t N_TRAIN = sizeof TRAIN / sizeof TRAIN[0];
static const uint8_t N_NEW = sizeof NEW_SAMPLES / sizeof NEW_SAMPLES[0];

static const float IN_OFFSET[4] = {5.8575f, 3.0492f, 3.7592f, 1.2075f};
static const float IN_SCALE[4] = {1.1745f, 2.2464f, 0.5615f, 1.3095f};

static float arena[TMLP_MLP2_BYTES(4, 8, 3, TMLP_SLOTS_MOMENTUM, TMLP_BUILD_TRAIN | TMLP_BUILD_SCALE) /
                   sizeof(float)];
static tmlp_net_t net;

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

/* One sample from flash. */
static Sample read_sample(const Sample *set, uint8_t i)
{
    Sample s;
    memcpy_P(&s, &set[i], sizeof s);
    return s;
}

static void train(const Sample *set, uint8_t n, int epochs)
{
    for (int e = 0; e < epochs; e++) {
        for (uint8_t i = 0; i < n; i++) {
            Sample s = read_sample(set, i);
            tmlp_target_t t;
            t.values = NULL;
            t.label = s.label;
            check(tmlp_net_forward(&net, s.x, NULL), F("forward"));
            check(tmlp_net_backward(&net, TMLP_LOSS_CE, &t, NULL), F("backward"));
            if (i % 4 == 3 || i + 1 == n) {
                check(tmlp_net_step(&net), F("step"));
            }
        }
    }
}

/* Correctly classified samples of a set, in percent. */
static int accuracy(const Sample *set, uint8_t n)
{
    int right = 0;
    for (uint8_t i = 0; i < n; i++) {
        Sample s = read_sample(set, i);
        float y[3];
        uint32_t label = 0;
        check(tmlp_net_forward(&net, s.x, y), F("forward"));
        check(tmlp_argmax(y, 3, &label), F("argmax"));
        right += label == s.label;
    }
    return right * 100 / n;
}

static void report(const __FlashStringHelper *when)
{
    Serial.print(when);
    Serial.print(F(": old samples "));
    Serial.print(accuracy(TRAIN, N_TRAIN));
    Serial.print(F("%, new samples "));
    Serial.print(accuracy(NEW_SAMPLES, N_NEW));
    Serial.println(F("%"));
}

void setup()
{
    tmlp_desc_t desc;
    tmlp_optim_t optim;
    tmlp_opts_t opts;
    tmlp_init_t init;
    tmlp_rng_t rng;
    Serial.begin(115200);
    memset(&desc, 0, sizeof desc);
    desc.n_in = 4;
    desc.n_layers = 2;
    desc.flags = TMLP_DESC_INPUT_SCALE;
    desc.layer[0].units = 8;
    desc.layer[0].act = TMLP_ACT_RELU;
    desc.layer[1].units = 3;
    desc.layer[1].act = TMLP_ACT_SOFTMAX;
    memset(&optim, 0, sizeof optim);
    optim.kind = TMLP_OPT_SGD;
    optim.lr = 0.05f;
    optim.momentum = 0.9f;
    memset(&opts, 0, sizeof opts);
    opts.optim = &optim;
    opts.in_offset = IN_OFFSET;
    opts.in_scale = IN_SCALE;
    memset(&init, 0, sizeof init);
    check(tmlp_net_init(&net, &desc, &opts, arena, sizeof arena, NULL), F("init"));
    check(tmlp_rng_seed(&rng, 1u), F("seed"));
    check(tmlp_net_init_weights(&net, &init, &rng), F("weights"));

    unsigned long t0 = millis();
    train(TRAIN, N_TRAIN, 60);
    Serial.print(F("trained 60 epochs in "));
    Serial.print(millis() - t0);
    Serial.println(F(" ms"));
    report(F("before fine-tuning"));

    optim.lr = 0.02f;
    check(tmlp_net_set_optim(&net, &optim), F("optim"));
    train(NEW_SAMPLES, N_NEW, 40);
    report(F("after fine-tuning"));
}

void loop()
{
}
