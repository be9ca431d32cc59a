/* SPDX-License-Identifier: MIT */
/* The 30 rows of data/iris_test.csv: sepal length, sepal width, petal length,
 * petal width (cm), then the class (0 setosa, 1 versicolor, 2 virginica). */
#ifndef IRIS_SAMPLES_H
#define IRIS_SAMPLES_H

#include <stdint.h>

#define IRIS_SAMPLES 30u

static const float iris_x[IRIS_SAMPLES][4] = {
    {5.5f, 3.5f, 1.3f, 0.2f},
    {5.7f, 2.8f, 4.5f, 1.3f},
    {5.1f, 3.8f, 1.9f, 0.4f},
    {6.1f, 2.6f, 5.6f, 1.4f},
    {5.1f, 3.4f, 1.5f, 0.2f},
    {5.5f, 2.6f, 4.4f, 1.2f},
    {6.5f, 3.0f, 5.2f, 2.0f},
    {4.6f, 3.2f, 1.4f, 0.2f},
    {4.6f, 3.1f, 1.5f, 0.2f},
    {5.5f, 2.4f, 3.7f, 1.0f},
    {6.3f, 3.4f, 5.6f, 2.4f},
    {5.6f, 3.0f, 4.1f, 1.3f},
    {6.5f, 2.8f, 4.6f, 1.5f},
    {6.9f, 3.1f, 5.4f, 2.1f},
    {5.8f, 2.7f, 4.1f, 1.0f},
    {5.8f, 2.7f, 5.1f, 1.9f},
    {5.7f, 2.5f, 5.0f, 2.0f},
    {6.7f, 3.1f, 4.4f, 1.4f},
    {7.0f, 3.2f, 4.7f, 1.4f},
    {5.1f, 3.8f, 1.6f, 0.2f},
    {5.1f, 3.8f, 1.5f, 0.3f},
    {5.6f, 2.8f, 4.9f, 2.0f},
    {6.3f, 2.9f, 5.6f, 1.8f},
    {7.2f, 3.0f, 5.8f, 1.6f},
    {5.1f, 3.7f, 1.5f, 0.4f},
    {6.7f, 3.1f, 4.7f, 1.5f},
    {5.7f, 2.8f, 4.1f, 1.3f},
    {6.3f, 3.3f, 6.0f, 2.5f},
    {5.1f, 3.5f, 1.4f, 0.2f},
    {4.9f, 3.1f, 1.5f, 0.1f},
};
static const uint8_t iris_label[IRIS_SAMPLES] = {
    0, 1, 0, 2, 0, 1, 2, 0, 0, 1, 2, 1, 1, 2, 1,
    2, 2, 1, 1, 0, 0, 2, 2, 2, 0, 1, 1, 2, 0, 0
};

#endif
