/* ExportedModel: inference from a model trained on a PC and exported as a
 * header by the command-line tool:
 *     tinymlp export iris.tmlp -o iris_model.h --name iris
 * (make arduino copies examples/cortex-m/iris_model.h, a 4-8-3 iris
 * classifier, next to this sketch). The header holds the weights, the
 * input scaling and iris_init()/iris_predict(); the net needs only a small
 * arena for its activations. On the AVR a const array sits in RAM (the
 * 67 weights take 268 bytes of it): tinymlp reads the weights through
 * ordinary pointers, which cannot reach PROGMEM.
 * Open the Serial Monitor at 115200 baud. */
#include <tinymlp.h>

#include "iris_model.h"

static float arena[iris_ARENA_INFER_CONST_BYTES / sizeof(float)];
static tmlp_net_t net;

static const char *const SPECIES[3] = {"setosa", "versicolor", "virginica"};

/* Sepal length and width, petal length and width, in cm. */
static const float FLOWERS[3][4] = {
    {5.1f, 3.5f, 1.4f, 0.2f},
    {6.0f, 2.7f, 4.1f, 1.3f},
    {6.9f, 3.1f, 5.6f, 2.2f},
};

void setup()
{
    Serial.begin(115200);
    tmlp_status_t st = iris_init(&net, arena, sizeof arena);
    if (st != TMLP_OK) {
        Serial.print(F("init error "));
        Serial.println((int)st);
        return;
    }
    for (int i = 0; i < 3; i++) {
        float p[iris_N_OUT];
        uint32_t label = 0;
        st = iris_predict(&net, FLOWERS[i], p, &label);
        if (st != TMLP_OK) {
            Serial.print(F("predict error "));
            Serial.println((int)st);
            return;
        }
        Serial.print(F("flower "));
        Serial.print(i);
        Serial.print(F(": "));
        Serial.print(SPECIES[label]);
        Serial.print(F(" (p = "));
        Serial.print(p[label], 3);
        Serial.println(F(")"));
    }
}

void loop()
{
}
