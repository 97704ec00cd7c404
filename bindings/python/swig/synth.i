/*
 * swig/synth.i: synth.h.
 *
 * One factory, ncm_synth_population(people, seed, places, systems, churn_rate, minor_codes_mean),
 * returning a PopulationHandle; the options struct is replaced by arguments. The Pythonic face is
 * ncm.synth_population() in ncm/synth.py.
 */
%ignore ncm_synth_options;
%ignore ncm_synth_options_init;
%ignore ncm_synth_population;
%ignore NCM_SYNTH_OPTIONS_INIT;
%include "ncm/synth.h"

%newobject ncmpy_synth_population;
%rename(ncm_synth_population) ncmpy_synth_population;
%feature("docstring") ncmpy_synth_population
"ncm_synth_population(people, seed, places, systems, churn_rate, minor_codes_mean) -> PopulationHandle";
%inline %{
ncm_population *ncmpy_synth_population(size_t people, uint64_t seed, size_t places, size_t systems,
                                       double churn_rate, double minor_codes_mean)
{
    ncm_synth_options o = NCM_SYNTH_OPTIONS_INIT;
    ncm_population *pop = NULL;
    o.people = people;
    o.seed = seed;
    o.places = places;
    o.systems = systems;
    o.churn_rate = churn_rate;
    o.minor_codes_mean = minor_codes_mean;
    ncm_status st = ncm_synth_population(&o, &pop);
    if (st != NCM_OK) ncmpy_raise_status(st, ncm_last_error());
    return pop;
}
%}
