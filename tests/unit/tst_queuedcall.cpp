// QueuedCall on the dispatcher the server and workers run (EpollEventDispatcher): requests of one turn run
// the action once, at the next turn; a request from inside the action is the next turn's; a call still queued
// when the object goes is dropped with it; a request costs no eventfd write.
#include "core/EpollEventDispatcher.h"
#include "core/QueuedCall.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QTest>

#include <memory>

using namespace mmf;

class TestQueuedCall : public QObject
{
    Q_OBJECT
private slots:
    void requestsOfOneTurnRunOnceAtTheNext()
    {
        int runs = 0;
        QueuedCall call([&] { ++runs; });
        for (int i = 0; i < 5; ++i)
            call.request();
        QVERIFY(call.isQueued());
        QCOMPARE(runs, 0); // never inside request()
        QTRY_COMPARE(runs, 1);
        QVERIFY(!call.isQueued());
        QCoreApplication::processEvents();
        QCOMPARE(runs, 1);
    }

    void aRequestFromTheActionRunsAtTheFollowingTurn()
    {
        int runs = 0;
        std::unique_ptr<QueuedCall> call;
        call = std::make_unique<QueuedCall>([&] {
            if (++runs < 3)
                call->request();
        });
        call->request();
        QTRY_COMPARE(runs, 3);
        QCoreApplication::processEvents();
        QCOMPARE(runs, 3);
    }

    void aCallQueuedWhenTheObjectGoesIsDropped()
    {
        int runs = 0;
        auto owner = std::make_unique<QObject>();
        auto* call = new QueuedCall([&] { ++runs; }, owner.get());
        call->request();
        owner.reset(); // the call with it
        QObject marker;
        bool later = false;
        QMetaObject::invokeMethod(
            &marker, [&] { later = true; }, Qt::QueuedConnection);
        QTRY_VERIFY(later); // a call queued after it has run, so it would have too
        QCOMPARE(runs, 0);
    }

    void aRequestWritesNoEventfd()
    {
        auto* dispatcher = qobject_cast<EpollEventDispatcher*>(QAbstractEventDispatcher::instance());
        QVERIFY(dispatcher);
        QCoreApplication::processEvents(); // a wake-up left from before is read now
        int runs = 0;
        QEventLoop loop;
        QueuedCall call([&] {
            if (++runs == 10)
                loop.quit();
            else
                call.request();
        });
        const quint64 before = dispatcher->wakeWrites();
        call.request();
        loop.exec();
        QCOMPARE(runs, 10);
        QCOMPARE(dispatcher->wakeWrites(), before);
    }
};

int main(int argc, char** argv)
{
    QCoreApplication::setEventDispatcher(new EpollEventDispatcher); // as ServiceEventLoop::prepare() does
    QCoreApplication app(argc, argv);
    TestQueuedCall test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_queuedcall.moc"
