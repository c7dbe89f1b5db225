// The Python example models in the studio (issue 17): the descriptors a real `mmf-worker --exec --describe`
// compiles from iris.proto give a form whose inputs are optional (may be left empty) with their help and
// units, and a real answer of the real Python model renders its probabilities and contributions as charts.
#include "ServerFixture.h"
#include "core/FormModel.h"
#include "gui/ResultView.h"
#include "schema/DescriptorSet.h"

#include <QChartView>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QtTest>

using namespace mmf;
using namespace mmf::studio;

namespace {

const QString kIris = QStringLiteral(MMF_SOURCE_DIR "/backend/models/python/iris");

const FormField* find(const std::vector<FormField>& fields, const QString& name)
{
    for (const FormField& field : fields)
        if (field.name == name)
            return &field;
    return nullptr;
}

} // namespace

class TestStudioPythonModels : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void requestFieldsAreOptional();
    void answerRendersAsCharts();

private:
    std::shared_ptr<const DescriptorSet> m_set;
};

void TestStudioPythonModels::initTestCase()
{
    QProcess worker;
    worker.start(ServerFixture::workerProgram(),
                 {QStringLiteral("--model"), QStringLiteral("iris"), QStringLiteral("--describe"),
                  QStringLiteral("--exec"), QStringLiteral("true"), QStringLiteral("--proto"),
                  kIris + QStringLiteral("/iris.proto"), QStringLiteral("--request"),
                  QStringLiteral("mmf.examples.iris.IrisRequest"), QStringLiteral("--response"),
                  QStringLiteral("mmf.examples.iris.IrisResponse")});
    QVERIFY(worker.waitForFinished(30000));
    QCOMPARE(worker.exitCode(), 0);
    const QJsonObject description = QJsonDocument::fromJson(worker.readAllStandardOutput()).object();
    auto set = DescriptorSet::fromSerialized(
        QByteArray::fromBase64(description.value(QStringLiteral("descriptor_set")).toString().toLatin1()));
    QVERIFY(set.ok());
    m_set = *set;
}

void TestStudioPythonModels::requestFieldsAreOptional()
{
    const auto* request = m_set->findMessage(QStringLiteral("mmf.examples.iris.IrisRequest"));
    QVERIFY(request);
    const std::vector<FormField> fields = FormModel::describe(request);
    QCOMPARE(int(fields.size()), 4);
    for (const FormField& field : fields) {
        QVERIFY2(field.hasPresence, qPrintable(field.name));
        QCOMPARE(field.ui.unit, QStringLiteral("cm"));
    }
    const FormField* petal = find(fields, QStringLiteral("petal_length"));
    QVERIFY(petal);
    QCOMPARE(petal->help, QStringLiteral("Length of the petal."));
    QCOMPARE(petal->ui.max.value_or(-1), 10.0);
}

void TestStudioPythonModels::answerRendersAsCharts()
{
    // A real answer of the real model: one request line through the Python helper.
    QProcess python;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("PYTHONPATH"), QStringLiteral(MMF_SOURCE_DIR "/backend/exec/python"));
    environment.insert(QStringLiteral("PYTHONDONTWRITEBYTECODE"),
                       QStringLiteral("1")); // no __pycache__ in the tree
    python.setProcessEnvironment(environment);
    python.start(QStringLiteral(MMF_PYTHON3), {kIris + QStringLiteral("/iris_model.py")});
    QVERIFY(python.waitForStarted());
    python.write(R"({"id":"t1","request":{"petal_length":4.5,"petal_width":1.4}})"
                 "\n");
    python.closeWriteChannel();
    QVERIFY(python.waitForFinished(60000));
    QJsonObject result;
    for (const QByteArray& line : python.readAllStandardOutput().split('\n')) {
        const QJsonObject message = QJsonDocument::fromJson(line).object();
        if (message.contains(QStringLiteral("result")))
            result = message.value(QStringLiteral("result")).toObject();
    }
    QVERIFY2(!result.isEmpty(), python.readAllStandardError().constData());
    QCOMPARE(result.value(QStringLiteral("species")).toString(), QStringLiteral("versicolor"));

    const auto* response = m_set->findMessage(QStringLiteral("mmf.examples.iris.IrisResponse"));
    QVERIFY(response);
    ResultView view;
    view.resize(800, 900);
    view.setResponseType(FormModel::describe(response));
    view.showResult(result);
    QVERIFY(view.findChild<QChartView*>(QStringLiteral("chart_probabilities")));
    QVERIFY(view.findChild<QChartView*>(QStringLiteral("chart_contributions")));
}

QTEST_MAIN(TestStudioPythonModels)
#include "tst_studio_pythonmodels.moc"
