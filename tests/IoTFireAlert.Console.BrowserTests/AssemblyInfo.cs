// One server and one browser at a time: the machine has two cores, and the pipeline test measures
// how soon an alarm shows.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
