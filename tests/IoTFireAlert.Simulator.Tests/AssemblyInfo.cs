// The integration tests each start a broker (and a server); on a two-core machine they are more
// reliable one after another than all at once.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
